"""Write the built-in letter templates: one Word file per kind of letter, with docxtpl fields.

Run ``python -m gongkai.applications.letter_templates.build`` after changing a text below and
commit the .docx files it writes beside this script; it also deletes the template of a kind that
no longer exists (``--check`` only compares, and reports both). The service
renders the committed files, not this script, so the built-in template and an office's edited copy
are the same kind of thing: a Word document whose ``{{ field }}`` placeholders and
``{% if ... %}`` conditions docxtpl fills in. The fields are listed, with their meaning, in
gongkai.applications.letters.LETTER_FIELDS; a paragraph holding only ``{%p ... %}`` is a condition
over whole paragraphs and disappears from the letter.

The texts follow the national reply norms (国办公开办函〔2020〕2号) and 江苏省政府信息公开申请办理答复
规范: the applicant as addressee, when the application was received and what it asked for, the
finding and the article it rests on (the field legal_basis, with 款 and 项), on every decision the
remedies (the field remedies: since 2024-01-01 a refusal names 行政复议 first, see
gongkai.applications.letters.remedies), then the issuing unit and the date. A period that runs
from a receipt is stated as the rule, with the computed date beside it once the receipt is known. The layout follows the official-document format (GB/T 9704): A4, body
in 仿宋 三号 on a fixed 28-point line, title in 二号.

No Django import: the script runs in a bare checkout, and the service imports KINDS from here.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import sys
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from gongkai.official_docx import (
    BODY_FONT,
    BODY_SIZE,
    INDENT,
    LINE,
    TITLE_FONT,
    TITLE_SIZE,
    add_run,
    name_fonts,
    setup_page,
)

HERE = Path(__file__).resolve().parent

CONTACT_SIZE = Pt(14)  # 四号
TITLE_LINE = Pt(36)
# Fixed zip timestamps, so rebuilding an unchanged template gives the same file.
ZIP_TIME = (2024, 1, 1, 0, 0, 0)
CREATED = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Spec:
    """One letter: its title, the paragraphs after the addressee, and whether it is a decision
    the applicant may challenge (then the remedies paragraph follows the body)."""

    title: str
    body: tuple[str, ...]
    addressee: str = "{{ applicant_name }}："
    closing: str = "特此告知。"
    remedies: bool = False


RECEIPT = (
    "本机关于{{ received_on }}收到{{ applicant_you }}提出的政府信息公开申请，"
    "{{ applicant_you }}申请公开的政府信息为“{{ description }}”。"
)
REPLY_RECEIPT = (
    RECEIPT
    + "{% if supplemented_on %}本机关于{{ supplemented_on }}收到{{ applicant_you }}补正后的申请。"
    "{% endif %}现答复如下："
)
REPLY_TITLE = "政府信息公开申请答复告知书"

# A blank to fill in by hand where a fact the letter needs was not recorded.
BLANK = "＿＿＿＿＿＿＿＿"
# 15 working days from the day the consulted party receives the request (第三十二、三十四条).
CONSULTATION_PERIOD = (
    "请自收到本征求意见书之日起15个工作日内{% if consultation_reply_due %}"
    "（即{{ consultation_reply_due }}前）{% endif %}提出书面意见"
)

LETTERS: dict[str, Spec] = {
    "supplement": Spec(
        title="政府信息公开申请补正告知书",
        body=(
            RECEIPT,
            "经审查，{{ applicant_you }}的申请内容不明确，本机关无法据此确定{{ applicant_you }}"
            "所需的政府信息。根据{{ legal_basis }}的规定，请{{ applicant_you }}对申请作出如下补正：",
            "{{ supplement_items }}",
            "请于{{ supplement_deadline }}前将补正后的申请提交本机关。答复期限自本机关收到补正的申请"
            "之日起计算。{{ applicant_you }}无正当理由逾期不补正的，视为放弃申请，本机关不再处理该"
            "政府信息公开申请。",
            "如对需要补正的事项有疑问，请与本机关联系人联系，本机关将给予指导和释明。",
        ),
    ),
    "extension": Spec(
        title="政府信息公开申请延期答复告知书",
        body=(
            RECEIPT,
            "{% if extension_reason %}因{{ extension_reason }}，{% endif %}本机关不能在规定期限内"
            "作出答复。根据{{ legal_basis }}的规定，经本机关政府信息公开工作机构负责人同意，答复期限"
            "延长20个工作日{% if due_on_after_extension and due_on_before_extension %}，由"
            "{{ due_on_before_extension }}延长至{{ due_on_after_extension }}{% endif %}。本机关将在延长后的期限内作出答复。",
        ),
    ),
    "consultation": Spec(
        title=(
            '{% if consultation_code == "third_party" %}政府信息公开征求第三方意见书'
            "{% else %}政府信息公开征求意见书{% endif %}"
        ),
        addressee="{{ consultation_party }}：",
        body=(
            "本机关于{{ received_on }}收到一件政府信息公开申请，申请公开的政府信息为"
            "“{{ description }}”。",
            '{%p if consultation_code == "agency" %}',
            "经查，该政府信息由本机关与你单位共同制作。根据{{ legal_basis }}的规定，现征求你单位"
            "对公开该政府信息的意见。" + CONSULTATION_PERIOD + "；逾期未提出意见的，视为同意公开。",
            '{%p elif consultation_code == "other_agency" %}',
            "本机关办理该申请需要听取你单位的意见，现征求你单位对公开该政府信息的意见，请提出书面"
            "意见并说明同意或者不同意公开的理由。根据{{ legal_basis }}的规定，征求意见所需时间不计算"
            "在答复申请人的期限内；为依法及时答复申请人，请你单位尽快回复。",
            "{%p else %}",
            "经审查，公开该政府信息可能损害你（单位）的合法权益。根据{{ legal_basis }}的规定，现书面"
            "征求你（单位）的意见。" + CONSULTATION_PERIOD + "，并说明同意或者不同意公开的理由；"
            "逾期未提出意见的，由本机关依照《中华人民共和国政府信息公开条例》的规定决定是否公开。",
            "你（单位）不同意公开且有合理理由的，本机关不予公开。本机关认为不公开可能对公共利益造成"
            "重大影响的，可以决定予以公开，并将决定公开的政府信息内容和理由书面告知你（单位）。",
            "{%p endif %}",
        ),
        closing="特此函告。",
    ),
    "fee": Spec(
        title="政府信息公开信息处理费收费通知书",
        body=(
            RECEIPT,
            "经审查，{{ applicant_you }}申请公开政府信息的数量、频次明显超过合理范围。根据"
            "{{ legal_basis }}的规定，本机关决定收取信息处理费{{ fee_amount }}元。"
            "{% if fee_basis %}计收情况：{{ fee_basis }}。{% endif %}",
            "请自收到本通知次日起20个工作日内{% if fee_due_on %}（即{{ fee_due_on }}前）{% endif %}"
            "缴纳上述费用，缴费方式请与本机关联系人确认。自发出本通知之日至{{ applicant_you }}缴费"
            "之日的期间，不计算在答复期限内。{{ applicant_you }}逾期未缴纳费用的，视为放弃申请，"
            "本机关不再处理该政府信息公开申请。",
        ),
        closing="特此通知。",
    ),
    "reasons": Spec(
        title="政府信息公开申请说明理由告知书",
        body=(
            RECEIPT,
            "经审查，{{ applicant_you }}申请公开政府信息的数量、频次明显超过合理范围"
            "{% if reasons_note %}（{{ reasons_note }}）{% endif %}。根据{{ legal_basis }}的规定，"
            "请{{ applicant_you }}向本机关说明申请理由。",
            "本机关认为申请理由不合理的，将告知{{ applicant_you }}不予处理；认为申请理由合理，但是"
            "无法在《中华人民共和国政府信息公开条例》第三十三条规定的期限内答复的，将确定延迟答复的"
            "合理期限并告知{{ applicant_you }}。",
        ),
    ),
    "deferral": Spec(
        title="政府信息公开申请延迟答复告知书",
        body=(
            RECEIPT,
            "{% if reasons_requested_on %}本机关于{{ reasons_requested_on }}要求{{ applicant_you }}"
            "说明申请理由。{% endif %}经审查，{{ applicant_you }}的申请理由合理，但"
            "{% if deferral_reason %}因{{ deferral_reason }}，{% endif %}本机关无法在《中华人民共和国"
            "政府信息公开条例》第三十三条规定的期限内答复。根据{{ legal_basis }}的规定，本机关确定"
            "延迟答复的合理期限至{{ deferred_until }}，并将在该期限内作出答复。",
        ),
    ),
    "reply_grant": Spec(
        title=REPLY_TITLE,
        body=(
            REPLY_RECEIPT,
            '{%p if outcome_code == "published" %}',
            "经审查，{{ applicant_you }}申请公开的政府信息本机关已经主动公开。根据{{ legal_basis }}"
            "的规定，现告知{{ applicant_you }}获取该政府信息的方式和途径：{% if outcome_note %}"
            "{{ outcome_note }}{% else %}" + BLANK + "{% endif %}。",
            "{%p else %}",
            "经审查，{{ applicant_you }}申请公开的政府信息属于可以公开的政府信息。根据"
            "{{ legal_basis }}的规定，本机关按照{{ applicant_you }}要求的{{ info_form }}形式，通过"
            "{{ delivery_way }}方式向{{ applicant_you }}提供该政府信息。",
            "{%p if outcome_note %}",
            "{{ outcome_note }}。",
            "{%p endif %}",
            "{%p endif %}",
        ),
        remedies=True,
    ),
    "reply_partial": Spec(
        title=REPLY_TITLE,
        body=(
            REPLY_RECEIPT,
            "经审查，{{ applicant_you }}申请公开的政府信息中含有不应当公开的内容，但是能够作区分处理。"
            "根据{{ legal_basis }}的规定，本机关通过{{ delivery_way }}方式向{{ applicant_you }}提供"
            "可以公开的政府信息内容，对不应当公开的内容不予公开{% if outcome_note %}，理由如下："
            "{{ outcome_note }}{% endif %}。",
        ),
        remedies=True,
    ),
    "reply_refuse": Spec(
        title=REPLY_TITLE,
        body=(
            REPLY_RECEIPT,
            '{%p if outcome_code == "query_matter" %}',
            "经审查，{{ applicant_you }}申请获取的信息属于行政查询事项，有关法律、行政法规对该信息的"
            "获取有特别规定{% if outcome_note %}：{{ outcome_note }}{% endif %}。根据{{ legal_basis }}"
            "的规定，请{{ applicant_you }}依照有关法律、行政法规的规定办理。",
            "{%p else %}",
            "经审查，{{ applicant_you }}申请公开的政府信息属于不予公开的情形（{{ outcome_label }}）"
            "{% if outcome_note %}，理由如下：{{ outcome_note }}{% endif %}。根据{{ legal_basis }}的"
            "规定，本机关决定不予公开。",
            "{%p endif %}",
        ),
        remedies=True,
    ),
    "reply_unavailable": Spec(
        title=REPLY_TITLE,
        body=(
            REPLY_RECEIPT,
            '{%p if outcome_code == "needs_making" %}',
            "经审查，本机关没有{{ applicant_you }}所需的现成信息，需要对现有政府信息进行加工、分析或者"
            "另行制作{% if outcome_note %}（{{ outcome_note }}）{% endif %}。根据{{ legal_basis }}的"
            "规定，本机关不予提供。",
            '{%p elif outcome_code == "still_unclear" %}',
            "本机关已于{{ supplement_requested_on }}告知{{ applicant_you }}作出补正。经审查，"
            "{{ applicant_you }}补正后的申请内容仍不明确，本机关无法确定{{ applicant_you }}所需的政府"
            "信息{% if outcome_note %}（{{ outcome_note }}）{% endif %}。根据{{ legal_basis }}的规定，"
            "本机关无法提供。",
            '{%p elif outcome_code == "not_responsible" %}',
            "经审查，{{ applicant_you }}申请公开的政府信息不属于本机关负责公开"
            "{% if outcome_note %}，理由如下：{{ outcome_note }}{% endif %}。根据{{ legal_basis }}的"
            "规定，现告知{{ applicant_you }}：{% if responsible_agency %}负责公开该政府信息的行政机关为"
            "{{ responsible_agency }}，联系方式为{{ responsible_contact }}，{{ applicant_you }}可以向该"
            "机关申请获取。{% else %}本机关无法确定负责公开该政府信息的行政机关。{% endif %}",
            "{%p else %}",
            "经检索，本机关没有{{ applicant_you }}申请公开的政府信息{% if outcome_note %}（"
            "{{ outcome_note }}）{% endif %}。根据{{ legal_basis }}的规定，现告知{{ applicant_you }}："
            "该政府信息不存在。",
            "{%p endif %}",
        ),
        remedies=True,
    ),
    "reply_not_processed": Spec(
        title=REPLY_TITLE,
        body=(
            REPLY_RECEIPT,
            '{%p if outcome_code == "petition" %}',
            "经审查，{{ applicant_you }}以政府信息公开申请的形式提出的是信访、投诉、举报等事项"
            "{% if outcome_note %}（{{ outcome_note }}）{% endif %}。根据{{ legal_basis }}的规定，本机关"
            "不作为政府信息公开申请处理，{{ applicant_you }}可以通过信访、投诉、举报等相应渠道提出。",
            '{%p elif outcome_code == "repeated" %}',
            "经审查，本机关已就{{ applicant_you }}提出的政府信息公开申请作出答复，{{ applicant_you }}"
            "本次重复申请公开相同的政府信息{% if outcome_note %}（{{ outcome_note }}）{% endif %}。根据"
            "{{ legal_basis }}的规定，本机关不予重复处理。",
            '{%p elif outcome_code == "publication" %}',
            "经审查，{{ applicant_you }}申请获取的是政府公报、报刊、书籍等公开出版物。根据"
            "{{ legal_basis }}的规定，现告知{{ applicant_you }}获取的途径：{% if outcome_note %}"
            "{{ outcome_note }}{% else %}" + BLANK + "{% endif %}。",
            '{%p elif outcome_code == "excessive" %}',
            "经审查，{{ applicant_you }}申请公开政府信息的数量、频次明显超过合理范围"
            "{% if reasons_requested_on %}，本机关已于{{ reasons_requested_on }}要求{{ applicant_you }}"
            "说明理由{% endif %}。本机关认为申请理由不合理{% if outcome_note %}（{{ outcome_note }}）"
            "{% endif %}。根据{{ legal_basis }}的规定，本机关不予处理。",
            "{%p else %}",
            "经审查，{{ applicant_you }}的申请是要求本机关确认或者重新出具{{ applicant_you }}已经获取的"
            "信息{% if outcome_note %}（{{ outcome_note }}）{% endif %}，不属于《中华人民共和国政府信息"
            "公开条例》规定的获取政府信息的申请，本机关不予处理。",
            "{%p endif %}",
        ),
        remedies=True,
    ),
    "reply_other": Spec(
        title=REPLY_TITLE,
        body=(
            REPLY_RECEIPT,
            "经研究，本机关对{{ applicant_you }}的申请作出如下处理：{% if outcome_note %}"
            "{{ outcome_note }}{% else %}" + BLANK + "{% endif %}。",
        ),
        remedies=True,
    ),
    "notice_lapsed": Spec(
        title="视为放弃政府信息公开申请告知书",
        body=(
            RECEIPT,
            "本机关于{{ supplement_requested_on }}告知{{ applicant_you }}对申请作出补正，补正期限为"
            "{{ supplement_deadline }}。截至补正期限届满，{{ applicant_you }}未作出补正，也未说明正当"
            "理由。根据{{ legal_basis }}的规定，视为{{ applicant_you }}放弃申请，本机关不再处理该政府"
            "信息公开申请。",
        ),
        remedies=True,
    ),
    "notice_fee_lapsed": Spec(
        title="政府信息公开申请逾期未缴费不再处理告知书",
        body=(
            RECEIPT,
            "本机关于{{ fee_notice_on }}向{{ applicant_you }}发出收费通知，收取信息处理费"
            "{{ fee_amount }}元{% if fee_received_on %}，{{ applicant_you }}于{{ fee_received_on }}"
            "收到该通知{% endif %}{% if fee_due_on %}，缴费期限为{{ fee_due_on }}{% endif %}。截至缴费"
            "期限届满，{{ applicant_you }}未缴纳费用。根据{{ legal_basis }}的规定，视为"
            "{{ applicant_you }}放弃申请，本机关不再处理该政府信息公开申请。",
        ),
        remedies=True,
    ),
}
KINDS: tuple[str, ...] = tuple(LETTERS)


def _setup(document: Any) -> None:
    setup_page(document)
    defaults = document.styles.element.find(qn("w:docDefaults"))
    run_defaults = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    name_fonts(run_defaults, BODY_FONT)
    lang = run_defaults.find(qn("w:lang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")


def _paragraph(
    document: Any,
    text: str,
    *,
    align: int | None = None,
    indent: bool = False,
    right_indent: Any = None,
    font: str = BODY_FONT,
    size: Any = BODY_SIZE,
    line: Any = LINE,
) -> None:
    paragraph = document.add_paragraph()
    layout = paragraph.paragraph_format
    if align is not None:
        paragraph.alignment = align
    if indent:
        layout.first_line_indent = INDENT
    if right_indent is not None:
        layout.right_indent = right_indent
    layout.line_spacing = line
    if text:
        # One run per paragraph keeps every placeholder whole for docxtpl.
        add_run(paragraph, text, font=font, size=size)


def build(spec: Spec) -> bytes:
    """Return one template as the bytes of a .docx file."""
    document = docx.Document()
    _setup(document)
    _paragraph(
        document,
        spec.title,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        font=TITLE_FONT,
        size=TITLE_SIZE,
        line=TITLE_LINE,
    )
    _paragraph(document, "")
    _paragraph(document, "申请编号：{{ tracking_no }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(document, spec.addressee)
    for text in spec.body:
        _paragraph(document, text, indent=not text.startswith("{%p"))
    if spec.remedies:
        _paragraph(document, "{{ remedies }}", indent=True)
    _paragraph(document, spec.closing, indent=True)
    _paragraph(document, "")
    _paragraph(document, "")
    for text in ("{{ unit_name }}", "{{ letter_date }}"):
        _paragraph(document, text, align=WD_ALIGN_PARAGRAPH.RIGHT, right_indent=INDENT)
    _paragraph(document, "")
    _paragraph(
        document,
        "联系人：{{ contact_person }}　　联系电话：{% if contact_phone %}{{ contact_phone }}"
        "{% else %}＿＿＿＿＿＿＿＿{% endif %}",
        size=CONTACT_SIZE,
    )
    properties = document.core_properties
    properties.title = spec.title
    properties.author = properties.last_modified_by = "gongkai"
    properties.comments = ""
    properties.created = properties.modified = CREATED
    properties.revision = 1
    out = io.BytesIO()
    document.save(out)
    return _normalised(out.getvalue())


def _normalised(data: bytes) -> bytes:
    """Rewrite the zip with fixed timestamps, so the committed files only change with the text."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the built-in letter templates.")
    parser.add_argument("--check", action="store_true", help="only report outdated templates")
    parser.add_argument("--out", type=Path, default=HERE, help="directory to write to")
    args = parser.parse_args(argv)
    stale = []
    for kind, spec in LETTERS.items():
        path = args.out / f"{kind}.docx"
        data = build(spec)
        if path.exists() and path.read_bytes() == data:
            continue
        stale.append(path.name)
        if not args.check:
            path.write_bytes(data)
    # A kind of letter that no longer exists (the transfer letter) leaves no template behind.
    extra = sorted(path for path in args.out.glob("*.docx") if path.stem not in LETTERS)
    if args.check:
        if stale:
            print("outdated templates: " + ", ".join(stale), file=sys.stderr)
        if extra:
            print("templates of no kind: " + ", ".join(p.name for p in extra), file=sys.stderr)
        return 1 if stale or extra else 0
    for path in extra:
        path.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
