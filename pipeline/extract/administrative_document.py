"""Administrative documents (văn bản hành chính) laid out per Decree 30/2020/NĐ-CP.

Decisions, official letters, notices, plans, invitations… issued by any body: the results a
commune issues and many papers citizens bring. Their fields are found by layout
(``pipeline.extract.decree30``), not by labels, and name no citizen: never personal fields.
"""

from __future__ import annotations

from pipeline.extract.decree30 import read_fields
from pipeline.extract.spec import DocRules, FieldSpec, Kind
from schemas.fields import DocType

RULES = DocRules(
    doc_type=DocType.ADMINISTRATIVE_DOCUMENT,
    fields=(
        FieldSpec("document_number", Kind.DOC_NUMBER, required=True),
        FieldSpec("parent_body", Kind.TEXT),
        FieldSpec("issuing_body", Kind.TEXT, required=True),
        FieldSpec("issue_place", Kind.TEXT),
        FieldSpec("issue_date", Kind.DATE, required=True),
        FieldSpec("document_kind", Kind.TEXT, required=True),
        FieldSpec("summary", Kind.TEXT),
        FieldSpec("signer_title", Kind.TEXT),
        FieldSpec("signer_name", Kind.TEXT),
    ),
    reader=read_fields,
)
