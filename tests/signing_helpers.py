"""Helpers for the signature tests: a born-digital Vietnamese PDF, a PDF signed by any test
identity, a deployment with the unit's key and the trust anchors, and a local time-stamp
authority (pyHanko's test TSA behind a loopback HTTP server)."""

from __future__ import annotations

import asyncio
import random
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from asn1crypto import tsp
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign.timestamps import DummyTimeStamper
from pyhanko.stamp import TextStampStyle, text_stamp_file

from pipeline.signatures.font import stamp_font
from pipeline.signatures.sign import KeptKeySigner, StampText, sign_pdf
from schemas.fields import DocType
from schemas.settings import Settings
from sohoa.samples import build_document
from tests.pki_fixtures import UNIT_CODE, Identity, Pki, write_trust_dir, write_unit_keys
from tests.test_textlayer import hand_pdf


def document_lines(seed: int = 8) -> list[str]:
    return build_document(DocType.MARITAL_STATUS_CERTIFICATE, random.Random(seed)).lines


def born_digital_pdf(path: Path, lines: list[str] | None = None) -> Path:
    """A one-page PDF whose Vietnamese text is real text (embedded font, ToUnicode), as an
    office program exports it: its text layer passes the text-layer check."""
    blank = hand_pdf(path.with_suffix(".blank.pdf"), [], invisible=False, image=None)
    font = stamp_font(Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"))
    style = TextStampStyle(
        stamp_text="\n".join(lines or document_lines()),
        text_box_style=TextBoxStyle(
            font=GlyphAccumulatorFactory(str(font), font_size=11), font_size=11, leading=16
        ),
        border_width=0,
        background=None,
    )
    text_stamp_file(str(blank), str(path), style, 0, 50, 250)
    return path


def signer_of(identity: Identity) -> KeptKeySigner:
    chain = [identity.issuer] if identity.issuer is not None else []
    return KeptKeySigner.from_pyca(identity.key, identity.cert, chain)


def signed_by(identity: Identity, source: Path, target: Path, settings: Settings) -> Path:
    stamp = StampText("UBND xã thử", "canbo1", datetime.now(UTC))
    sign_pdf(source, target, signer_of(identity), stamp, settings.signing)
    return target


def install_deployment(settings: Settings, pki: Pki, *, with_crl: bool = True) -> Settings:
    """The unit's key in the keys folder and the province CA (and CRL) as trust anchor."""
    write_unit_keys(settings.signing.keys_dir, UNIT_CODE, pki.unit)
    write_trust_dir(settings.signing.trust_dir, pki, with_crl=with_crl)
    return settings


def dummy_tsa(pki: Pki) -> DummyTimeStamper:
    from pyhanko.keys.internal import (
        translate_pyca_cryptography_cert_to_asn1,
        translate_pyca_cryptography_key_to_asn1,
    )

    return DummyTimeStamper(
        tsa_cert=translate_pyca_cryptography_cert_to_asn1(pki.tsa.cert),
        tsa_key=translate_pyca_cryptography_key_to_asn1(pki.tsa.key),
    )


@contextmanager
def local_tsa(pki: Pki) -> Iterator[str]:
    """An RFC 3161 time-stamp authority on loopback; yields its URL."""
    stamper = dummy_tsa(pki)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            request = tsp.TimeStampReq.load(body)
            response = asyncio.run(stamper.async_request_tsa_response(request)).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(response)))
            self.end_headers()
            self.wfile.write(response)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/tsa"
    finally:
        server.shutdown()
        server.server_close()
