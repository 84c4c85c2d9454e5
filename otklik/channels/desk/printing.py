"""The printed answer to a paper letter: an outgoing letter addressed to the applicant's postal
address, in the office's ``Printed`` pattern (``otklik.office.printing``, which a channel adapter
may not import, and ``otklik.core.printing`` does not exist on this branch): a small description
(``OutgoingLetter``) and its PDF (``letter_pdf``). The registry of documents registers the
letter as an outgoing document (its number and date: ``outgoing_number``/``outgoing_date``);
this module does not register anything."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from otklik.cases.choices import AnswerStatus
from otklik.cases.models import Answer, Case
from otklik.core.exceptions import ApplicationError
from otklik.core.pdf import pdf_fonts


@dataclass
class OutgoingLetter:
    """What the printed letter says, top to bottom."""

    sender: str  # the answering organisation (the letterhead)
    addressee: list[str]  # the applicant: a person's name, or a legal entity and its contact
    postal_address: str
    reference: str  # «На № … от …» (the applicant's letter as registered)
    title: str
    salutation: str
    paragraphs: list[str] = field(default_factory=list)
    signer: str = ""
    case_number: str = ""
    answer_id: int | None = None
    outgoing_number: str = ""  # given by the registry of documents
    outgoing_date: dt.date | None = None

    @property
    def file_name(self) -> str:
        return f"ответ-{self.case_number}.pdf"


def _letter_message(case: Case):
    message = (
        case.messages.filter(channel__code="paper").order_by("received_at", "pk").first()
        if case.pk
        else None
    )
    if message is None:
        raise ApplicationError(f"Инцидент № {case.number} открыт не письмом на бумаге.")
    return message


def _date(iso: str) -> str:
    return f"{iso[8:10]}.{iso[5:7]}.{iso[:4]}" if len(iso) >= 10 else iso


def answer_letter(*, answer: Answer) -> OutgoingLetter:
    """The outgoing letter of ``answer`` (approved, final) to the paper letter that opened its
    case; refused with a reason for another channel, a draft or a letter without an address."""
    case = answer.case
    if answer.status != AnswerStatus.APPROVED or answer.is_intermediate:
        raise ApplicationError("Письмом направляется только одобренный окончательный ответ.")
    message = _letter_message(case)
    raw = message.raw or {}
    desk = raw.get("desk") or {}
    contact = message.author
    # the address given with this letter (the applicant's latest is on the contact)
    address = (raw.get("author") or {}).get("postal_address") or (
        contact.postal_address if contact else ""
    )
    if not address:
        raise ApplicationError("У письма нет почтового адреса: ответ направляется по эл. почте.")
    person = contact.name if contact else ""
    if contact is not None and contact.inn:
        addressee = [contact.legal_name, f"ИНН {contact.inn}, ОГРН {contact.ogrn}"]
        if person:
            addressee.append(person)
    else:
        addressee = [person or "Заявителю"]
    number, sent = desk.get("incoming_number", ""), desk.get("letter_date", "")
    reference = "На № " + (number or "б/н") + (f" от {_date(sent)}" if sent else "")
    received = timezone.localtime(message.received_at)
    organization = answer.organization
    return OutgoingLetter(
        sender=organization.name,
        addressee=addressee,
        postal_address=address,
        reference=reference,
        title="Ответ на обращение",
        salutation=f"Уважаемый(ая) {person}!" if person else "Здравствуйте!",
        paragraphs=[
            f"Ваше обращение, поступившее {received:%d.%m.%Y}, рассмотрено "
            f"(инцидент № {case.number}).",
            *[p.strip() for p in answer.text.split("\n\n") if p.strip()],
        ],
        signer=(answer.author.get_full_name() or answer.author.username) if answer.author else "",
        case_number=case.number,
        answer_id=answer.pk,
    )


def letter_pdf(letter: OutgoingLetter) -> bytes:
    """The letter as PDF (A4, DejaVu): the letterhead, the address block top right, the
    reference, the text and the signature line."""
    from fpdf import FPDF

    regular, bold = pdf_fonts()
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_font("DejaVu", "", str(regular))
    pdf.add_font("DejaVu", "B", str(bold))
    pdf.set_title(letter.title)
    pdf.set_creator("Отклик")
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    pdf.set_font("DejaVu", "B", 11)
    pdf.multi_cell(width * 0.5, 5, letter.sender, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 9)
    outgoing = letter.outgoing_number or "____"
    when = f"{letter.outgoing_date:%d.%m.%Y}" if letter.outgoing_date else "__.__.____"
    pdf.multi_cell(width * 0.5, 5, f"Исх. № {outgoing} от {when}", new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(width * 0.5, 5, letter.reference, new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(pdf.t_margin)
    pdf.set_font("DejaVu", "", 10)
    for line in [*letter.addressee, letter.postal_address]:
        pdf.set_x(pdf.l_margin + width * 0.55)
        pdf.multi_cell(width * 0.45, 5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(12)
    pdf.set_font("DejaVu", "B", 12)
    pdf.multi_cell(0, 6, letter.salutation, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("DejaVu", "", 10)
    for paragraph in letter.paragraphs:
        pdf.multi_cell(0, 5, paragraph, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    pdf.ln(8)
    pdf.multi_cell(0, 5, f"____________ {letter.signer}", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
