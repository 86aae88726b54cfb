"""Checks before publishing (DOMAIN §3): personal data, sensitive words and wrong words.

Pure Python with no Django import, so it is tested and benchmarked alone; the publishing workflow
and ``gongkai textcheck`` call it. Typical use::

    checker = Checker.from_defaults(load_words("office_words.txt"))   # build once
    findings = checker.check(text)                                    # sorted by start
    if any(f.blocking for f in findings): ...                         # personal data, 敏感词
    print(findings[0].reason)                                         # why, in Chinese
    published = mask_text(text, findings)                             # or ask the editor

Offsets in findings are character offsets into the checked ``str``.
"""

from gongkai.textcheck.checker import Checker
from gongkai.textcheck.dictionary import (
    DictionaryError,
    WordList,
    default_sensitive_words,
    default_words,
    default_wrong_words,
    load_words,
    parse_words,
)
from gongkai.textcheck.documents import DocumentError, TooMuchText, docx_text, xlsx_text
from gongkai.textcheck.findings import PERSONAL_DATA, SEVERITY, Finding, Kind, Severity
from gongkai.textcheck.identifiers import (
    Number,
    find_numbers,
    id_check_character,
    is_id_number,
    is_suspect_id_number,
    is_uscc,
    luhn_valid,
)
from gongkai.textcheck.masking import (
    mask_bank_card,
    mask_id_number,
    mask_mobile,
    mask_name,
    mask_text,
)
from gongkai.textcheck.personal import find_personal_data

__all__ = [
    "PERSONAL_DATA",
    "SEVERITY",
    "Checker",
    "DictionaryError",
    "DocumentError",
    "Finding",
    "Kind",
    "Number",
    "Severity",
    "TooMuchText",
    "WordList",
    "default_sensitive_words",
    "default_words",
    "default_wrong_words",
    "docx_text",
    "find_numbers",
    "find_personal_data",
    "id_check_character",
    "is_id_number",
    "is_suspect_id_number",
    "is_uscc",
    "load_words",
    "luhn_valid",
    "mask_bank_card",
    "mask_id_number",
    "mask_mobile",
    "mask_name",
    "mask_text",
    "parse_words",
    "xlsx_text",
]
