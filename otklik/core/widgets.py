"""Select widgets whose option lists are rendered once and reused.

Rendering a select of a hundred organisations or topics through Django's widget templates costs
milliseconds per field on every page. ``PrerenderedSelect`` renders the options once with
nothing selected, keeps that HTML in a ``store`` that lives exactly as long as the choices it was
rendered from (the reference snapshot, see ``otklik.directory.cache``), and per request only
marks the selected options. The output is the same as ``forms.Select``'s, byte for byte.
Without a store (``prerender()`` not called) the widget renders like ``forms.Select``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.html import escape
from django.utils.safestring import mark_safe

_NO_OPTION = "\x00"  # a value no option has: the options render with nothing selected


class PrerenderedMixin:
    store: dict | None = None
    store_key: Any = None

    def prerender(self, *, store: dict, key: Any) -> None:
        """Keep the rendered options in ``store`` under ``key`` (which must change whenever the
        choices can change without the store changing)."""
        self.store, self.store_key = store, key

    def render(self, name: str, value: Any, attrs: dict | None = None, renderer: Any = None):
        if self.store is None:
            return super().render(name, value, attrs, renderer)
        final = self.build_attrs(self.attrs, attrs)
        try:
            key = (type(self).__name__, self.store_key, name, tuple(sorted(final.items())))
            html = self.store.get(key)
        except TypeError:  # an attribute value that cannot be a key: render as usual
            return super().render(name, value, attrs, renderer)
        if html is None:
            html = self.store[key] = str(super().render(name, _NO_OPTION, attrs, renderer))
        for selected in self.format_value(value):
            option = f'<option value="{escape(selected)}">'
            marked = html.replace(
                option,
                f'<option value="{escape(selected)}" selected>',
                -1 if self.allow_multiple_selected else 1,
            )
            if marked != html and not self.allow_multiple_selected:
                return mark_safe(marked)  # noqa: S308 — built from the widget's own escaped HTML
            html = marked
        return mark_safe(html)  # noqa: S308 — the widget's own rendering, values escaped above


class PrerenderedSelect(PrerenderedMixin, forms.Select):
    pass


class PrerenderedSelectMultiple(PrerenderedMixin, forms.SelectMultiple):
    pass
