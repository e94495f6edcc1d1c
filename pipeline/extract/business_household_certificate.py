"""Business household registration certificates (Giấy chứng nhận đăng ký hộ kinh doanh), issued
by the district's finance and planning office: the household's code, name and address, and its
owner (name, ID number) under "Chủ hộ kinh doanh"."""

from __future__ import annotations

from pipeline.extract.spec import DocRules, FieldSpec, IdCheck, Kind, Section
from schemas.fields import DocType

RULES = DocRules(
    doc_type=DocType.BUSINESS_HOUSEHOLD_CERTIFICATE,
    fields=(
        FieldSpec(
            "registration_number",
            Kind.DOC_NUMBER,
            ("Mã số hộ kinh doanh", "Số đăng ký hộ kinh doanh"),
            required=True,
        ),
        FieldSpec("business_name", Kind.TEXT, ("Tên hộ kinh doanh",), required=True),
        FieldSpec(
            "business_address",
            Kind.PLACE,
            ("Địa chỉ trụ sở hộ kinh doanh", "Địa điểm kinh doanh"),
            max_lines=2,
        ),
        FieldSpec(
            "owner_name",
            Kind.NAME,
            ("Họ, chữ đệm và tên", "Họ và tên"),
            required=True,
            section="owner",
        ),
        FieldSpec("owner_id_number", Kind.ID_NUMBER, ("Số định danh cá nhân",), section="owner"),
        FieldSpec("issue_date", Kind.DATE, ("Đăng ký lần đầu",)),
    ),
    sections=(Section("owner", ("Chủ hộ kinh doanh", "Thông tin về chủ hộ kinh doanh")),),
    stops=("Giới tính", "Ngày, tháng, năm sinh", "Ngành, nghề kinh doanh", "Vốn kinh doanh"),
    titles=("Giấy chứng nhận đăng ký hộ kinh doanh",),
    phrases=(
        "Mã số hộ kinh doanh",
        "Tên hộ kinh doanh",
        "Ngành, nghề kinh doanh",
        "Vốn kinh doanh",
        "Chủ hộ kinh doanh",
    ),
    id_checks=(IdCheck("owner_id_number"),),
)
