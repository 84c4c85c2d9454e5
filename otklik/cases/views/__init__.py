"""The operator UI of cases, one module per concern: the queue and bulk moderation
(``queue``), the case page (``case_page``), the verbs of the case page (``verbs``), the routing
rules (``routing``) and the citizen's survey (``survey``).

Thin, like every view here: parse the input with a form, call a selector or one service, render
or redirect with a Russian message. A service's ``ApplicationError`` is shown on the page;
``AccessDenied`` becomes the 403 page; a case out of the user's scope is a 404.
"""
