"""Land-use right certificates (Giấy chứng nhận quyền sử dụng đất…, "sổ đỏ"), first page.

The holders are printed as "Ông: NAME" and "Bà: NAME", each followed by the ID paper's number;
a couple's certificate names the husband (Ông) first, so he is the holder and she the co-holder.
The parcel block gives its number, map sheet, address and area; the serial is the blank's own.
"""

from __future__ import annotations

from pipeline.extract.spec import DocRules, FieldSpec, IdCheck, Kind, Label, Section
from schemas.fields import DocType

_ID_LABELS = ("CCCD số", "CMND số", "Căn cước số", "Số định danh cá nhân", "Giấy tờ nhân thân")

RULES = DocRules(
    doc_type=DocType.LAND_USE_CERTIFICATE,
    fields=(
        FieldSpec("holder_name", Kind.NAME, (Label("Ông", anchored=True),), section="holder"),
        FieldSpec("holder_id_number", Kind.ID_NUMBER, _ID_LABELS, section="holder"),
        FieldSpec("co_holder_name", Kind.NAME, (Label("Bà", anchored=True),), section="co_holder"),
        FieldSpec("co_holder_id_number", Kind.ID_NUMBER, _ID_LABELS, section="co_holder"),
        FieldSpec("parcel_number", Kind.DOC_NUMBER, ("Thửa đất số",), required=True),
        FieldSpec("map_sheet", Kind.DOC_NUMBER, ("Tờ bản đồ số",), required=True),
        FieldSpec("land_address", Kind.PLACE, ("Địa chỉ thửa đất", "Địa chỉ"), max_lines=2),
        FieldSpec("area", Kind.DOC_NUMBER, ("Diện tích",), required=True),
        FieldSpec("certificate_serial", Kind.SERIAL, ("Số seri", "Số phát hành"), required=True),
    ),
    sections=(
        Section("holder", (Label("Ông", anchored=True),)),
        Section("co_holder", (Label("Bà", anchored=True),)),
        Section("parcel", ("Thửa đất", "Thông tin thửa đất")),
    ),
    stops=("Năm sinh", "Tờ bản đồ số", "Hình thức sử dụng", "Mục đích sử dụng"),
    titles=(
        "Giấy chứng nhận quyền sử dụng đất",
        # "GIẤY CHỨNG NHẬN" on a line of its own, the rights under it
        "Quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác gắn liền với đất",
        "Quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất",
    ),
    phrases=(
        "Người sử dụng đất",
        "Thửa đất số",
        "Tờ bản đồ số",
        "Mục đích sử dụng",
        "Thời hạn sử dụng",
        "tài sản gắn liền với đất",
    ),
    id_checks=(
        IdCheck("holder_id_number"),
        IdCheck("co_holder_id_number"),
    ),
)
