"""Administrative documents (văn bản hành chính) in the Decree 30/2020/NĐ-CP layout.

Issuing body and number (with "V/v …" in a Công văn) top left, motto and place-date top right,
the kind's title and summary centred, the body, then "Nơi nhận" bottom left and the signer block
bottom right under a seal. In Times New Roman's metrics when printed in Liberation Serif, at
13 pt. On a third of them the number and the day are filled in by pen over the printed text,
as on real letters; the truth then lists them in ``handwritten``. A quarter are certified copies:
a "SAO Y" block under the document names the copying body, the copy's number and date.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from schemas.fields import DocType
from sohoa.samples.layout import Block, Run
from sohoa.samples.model import REFERENCE_DATE, SampleDocument, assemble, iso
from sohoa.samples.people import make_name, random_date
from sohoa.samples.places import Place, random_place, split_kind
from sohoa.samples.templates import ADMINISTRATIVE, text

HANDWRITTEN_SHARE = 1 / 3
COPY_SHARE = 1 / 4  # certified copies ("SAO Y") among the papers handed in


@dataclass(frozen=True)
class Issuer:
    """Who issues: the header's lines, its fields, the symbol's body part and the signer."""

    lines: tuple[str, ...]  # the header's capitals, top to bottom (the last one underlined)
    parent: str | None
    body: str
    symbol: str
    place: str  # the địa danh before the date
    authority: str  # the signer block's authority line: "TM. ỦY BAN NHÂN DÂN", "KT. GIÁM ĐỐC"
    office: str  # and the office under it ("" when the authority line is the office)


def _commune_council(place: Place, rng: random.Random) -> Issuer:
    unit = place.commune_upper()
    authority, office = rng.choice(
        (("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"), ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"), ("CHỦ TỊCH", ""))
    )
    _, name = split_kind(place.commune)
    if name[0].isdigit():  # "Phường 5" dates its papers with its district's name
        name = split_kind(place.district)[1]
    return Issuer(
        ("ỦY BAN NHÂN DÂN", unit),
        None,
        f"ỦY BAN NHÂN DÂN {unit}",
        "UBND",
        name,
        authority,
        office,
    )


_DEPARTMENTS = (
    ("SỞ TƯ PHÁP", "STP", "GIÁM ĐỐC"),
    ("SỞ GIÁO DỤC VÀ ĐÀO TẠO", "SGDĐT", "GIÁM ĐỐC"),
    ("SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG", "STNMT", "GIÁM ĐỐC"),
    ("SỞ NỘI VỤ", "SNV", "GIÁM ĐỐC"),
    ("PHÒNG TƯ PHÁP", "PTP", "TRƯỞNG PHÒNG"),
    ("PHÒNG VĂN HÓA VÀ THÔNG TIN", "VHTT", "TRƯỞNG PHÒNG"),
    ("PHÒNG TÀI NGUYÊN VÀ MÔI TRƯỜNG", "TNMT", "TRƯỞNG PHÒNG"),
)


def _department(place: Place, rng: random.Random) -> Issuer:
    body, symbol, head = rng.choice(_DEPARTMENTS)
    if body.startswith("SỞ"):
        kind = "THÀNH PHỐ" if place.province.startswith("thành phố") else "TỈNH"
        parent = f"UBND {kind} {place.province_name.upper()}"
        where = place.province_name
    else:
        parent = f"UBND {place.district.upper()}"
        where = split_kind(place.district)[1]
        if where[0].isdigit():  # "Quận 1" dates its papers with its city's name
            where = place.province_name
    authority, office = rng.choice(((f"KT. {head}", f"PHÓ {head}"), (head, "")))
    return Issuer((parent, body), parent, body, symbol, where, authority, office)


SUBJECTS = (
    "tăng cường công tác số hóa hồ sơ, kết quả giải quyết thủ tục hành chính",
    "triển khai thu thập, cập nhật dữ liệu hộ tịch trên địa bàn",
    "đôn đốc thực hiện kế hoạch cải cách hành chính năm {year}",
    "tổ chức tiếp công dân định kỳ tháng {month} năm {year}",
    "rà soát, chuẩn hóa dữ liệu dân cư phục vụ cấp căn cước",
    "phòng, chống thiên tai và tìm kiếm cứu nạn năm {year}",
    "kiện toàn Bộ phận tiếp nhận và trả kết quả giải quyết thủ tục hành chính",
)
SENTENCES = (
    "Thực hiện chỉ đạo của cấp trên về việc đẩy mạnh chuyển đổi số trong giải quyết thủ tục "
    "hành chính, đề nghị các đơn vị khẩn trương triển khai các nội dung sau.",
    "Các cơ quan, đơn vị chủ động rà soát hồ sơ, tài liệu đang quản lý, cập nhật đầy đủ thông "
    "tin lên hệ thống và báo cáo kết quả thực hiện trước ngày 25 hằng tháng.",
    "Giao công chức Văn phòng - Thống kê theo dõi, đôn đốc, tổng hợp tình hình và báo cáo "
    "Chủ tịch Ủy ban nhân dân để chỉ đạo kịp thời.",
    "Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, các đơn vị phản ánh về bộ phận "
    "thường trực để được hướng dẫn, giải quyết.",
    "Yêu cầu thủ trưởng các đơn vị nghiêm túc triển khai thực hiện.",
)
ADDRESSEES = (
    "Các ban, ngành, đoàn thể",
    "Trưởng các thôn, tổ dân phố",
    "Ủy ban nhân dân các xã, phường",
    "Các cơ quan, đơn vị trực thuộc",
)
KINDS = (
    ("Công văn", None),
    ("Quyết định", "QĐ"),
    ("Thông báo", "TB"),
    ("Kế hoạch", "KH"),
    ("Báo cáo", "BC"),
    ("Giấy mời", "GM"),
    ("Tờ trình", "TTr"),
)


def _number_runs(number: str, symbol: str, hand: bool) -> list[Run]:
    if hand:
        return [Run(text="Số:   "), Run(text=number, family="hand"), Run(text=f"/{symbol}")]
    return [Run(text=f"Số: {number}/{symbol}")]


def _date_runs(place: str, day: date, hand: bool) -> list[Run]:
    if hand:
        return [
            Run(text=f"{place}, ngày ", italic=True),
            Run(text=f"{day.day:02d}", family="hand"),
            Run(text=f" tháng {day.month} năm {day.year}", italic=True),
        ]
    return [Run(text=f"{place}, ngày {day.day:02d} tháng {day.month} năm {day.year}", italic=True)]


def _line(runs: list[Run], region: str, space_before: float = 0.0) -> Block:
    return Block(segments=[runs], region=region, align="center", space_before=space_before)


def administrative_document(rng: random.Random) -> SampleDocument:
    """A letter, decision, notice, plan, report, invitation or submission of a commune or a
    department, with its fields as the truth."""
    place = random_place(rng)
    issuer = (_commune_council if rng.random() < 0.5 else _department)(place, rng)
    issued = random_date(rng, date(2019, 1, 1), REFERENCE_DATE)
    kind, abbreviation = rng.choice(KINDS)
    number = str(rng.randint(1, 2400))
    symbol = f"{abbreviation}-{issuer.symbol}" if abbreviation else f"{issuer.symbol}-VP"
    hand = rng.random() < HANDWRITTEN_SHARE
    subject = rng.choice(SUBJECTS).format(year=issued.year, month=issued.month)
    family, middle, given = make_name(rng, rng.choice(("Nam", "Nữ")))
    signer = f"{family} {middle} {given}"

    head: list[Block] = [
        text(
            line,
            "head_left",
            bold=i > 0 or issuer.parent is None,
            align="center",
            scale=0.92,
            nowrap=True,
        )
        for i, line in enumerate(issuer.lines)
    ]
    head[-1] = head[-1].model_copy(update={"underline": True})
    head.append(_line(_number_runs(number, symbol, hand), "head_left"))
    if abbreviation is None:
        head.append(text(f"V/v {subject}", "head_left", align="center", scale=0.85))
    motto = [
        text(
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "head_right",
            bold=True,
            align="center",
            scale=0.9,
            nowrap=True,
        ),
        text(
            "Độc lập - Tự do - Hạnh phúc",
            "head_right",
            bold=True,
            align="center",
            underline=True,
            nowrap=True,
        ),
        _line(_date_runs(issuer.place, issued, hand), "head_right", space_before=0.3),
    ]
    middle_blocks: list[Block] = []
    if abbreviation is not None:
        middle_blocks.append(text(kind.upper(), "title", bold=True, align="center", scale=1.05))
        middle_blocks.append(
            text(f"Về việc {subject}", "title", bold=True, align="center", scale=0.95)
        )
    else:
        middle_blocks.append(
            text(f"Kính gửi: {rng.choice(ADDRESSEES)}.", "main", align="center", space_before=0.2)
        )
    body = [*rng.sample(SENTENCES[:-1], k=rng.randint(1, 3)), SENTENCES[-1]]
    middle_blocks += [text(sentence, "main", space_before=0.2) for sentence in body]
    recipients = [
        text("Nơi nhận:", "recipients", bold=True, italic=True, scale=0.8),
        text("- Như trên;", "recipients", scale=0.75),
        text("- Lưu: VT.", "recipients", scale=0.75),
    ]
    sign = [text(issuer.authority, "sign", bold=True, align="center", scale=0.95)]
    if issuer.office:
        sign.append(text(issuer.office, "sign", bold=True, align="center", scale=0.95))
    sign.append(text(signer, "sign", bold=True, align="center", scale=0.95, space_before=5.0))
    blocks = [*head, *motto, *middle_blocks, *recipients, *sign]
    copy: dict[str, str] = {}
    if rng.random() < COPY_SHARE:
        copier = _commune_council(random_place(rng), rng)
        copied = random_date(rng, issued, min(REFERENCE_DATE, issued.replace(year=issued.year + 1)))
        blocks += [
            *(
                text(line, "copy_left", bold=True, align="center", scale=0.85, nowrap=True)
                for line in copier.lines
            ),
            text(f"Số: {rng.randint(1, 300)}/SY-UBND", "copy_left", align="center", scale=0.8),
            text("SAO Y", "copy_right", bold=True, align="center", scale=0.9),
            _line(_date_runs(copier.place, copied, False), "copy_right"),
        ]
        copy = {"copy_kind": "Sao y", "copy_body": copier.body, "copy_date": iso(copied)}
    fields = {
        "document_number": f"{number}/{symbol}",
        "issuing_body": issuer.body,
        "issue_place": issuer.place,
        "issue_date": iso(issued),
        "document_kind": kind,
        "summary": subject if abbreviation is None else f"Về việc {subject}",
        "signer_title": " ".join(t for t in (issuer.authority, issuer.office) if t),
        "signer_name": signer,
    }
    if issuer.parent:
        fields["parent_body"] = issuer.parent
    fields.update(copy)
    handwritten = ["document_number", "issue_date"] if hand else []
    return assemble(
        DocType.ADMINISTRATIVE_DOCUMENT,
        "decree30",
        ADMINISTRATIVE.name,
        blocks,
        fields,
        handwritten=handwritten,
    )
