"""The one error hierarchy.

Every error has a stable ``code``, a message staff can act on in Vietnamese and English, and
whether retrying could help. Edges (CLI exit code, HTTP status, rq retry, quarantine file) map
on these attributes only, never on exception text.
"""

from __future__ import annotations

from typing import ClassVar


class SohoaError(Exception):
    """Base of every error sohoa raises on purpose."""

    code: ClassVar[str] = "error"
    retryable: ClassVar[bool] = False
    message_vi: ClassVar[str] = "Lỗi không xác định."
    message_en: ClassVar[str] = "Unexpected error."

    def __init__(self, detail: str = "") -> None:
        self.detail = detail
        super().__init__(f"[{self.code}] {self.message_en}" + (f" {detail}" if detail else ""))

    def staff_message(self) -> str:
        """Both languages plus the technical detail, as written into quarantine reason files."""
        lines = [self.message_vi, self.message_en]
        if self.detail:
            lines.append(f"Chi tiết / detail: {self.detail}")
        lines.append(f"Mã lỗi / code: {self.code}")
        return "\n".join(lines)


# --- Bad input: never retried, the file is quarantined -------------------------------------


class InputRejected(SohoaError):
    """The file itself is unusable; retrying will not help."""

    code = "input_rejected"


class UnsupportedFileType(InputRejected):
    code = "unsupported_type"
    message_vi = "Định dạng tệp không được hỗ trợ (chỉ nhận PDF, TIFF, JPEG, PNG)."
    message_en = "Unsupported file type (only PDF, TIFF, JPEG and PNG are accepted)."


class EmptyFile(InputRejected):
    code = "empty_file"
    message_vi = "Tệp rỗng (0 byte) — vui lòng quét lại."
    message_en = "The file is empty (0 bytes) — please scan again."


class CorruptFile(InputRejected):
    code = "corrupt_file"
    message_vi = "Tệp bị hỏng hoặc chưa ghi xong, không đọc được — vui lòng quét lại."
    message_en = "The file is corrupt or truncated and cannot be read — please scan again."


class EncryptedFile(InputRejected):
    code = "encrypted_file"
    message_vi = "Tệp PDF được đặt mật khẩu — vui lòng gỡ mật khẩu hoặc quét bản giấy."
    message_en = "The PDF is password-protected — remove the password or scan the paper copy."


class NoPages(InputRejected):
    code = "no_pages"
    message_vi = "Tệp không có trang nào."
    message_en = "The file has no pages."


class TooManyPages(InputRejected):
    code = "too_many_pages"
    message_vi = "Tệp có quá nhiều trang so với giới hạn cho phép — hãy tách thành nhiều tệp."
    message_en = "The file has more pages than allowed — split it into several files."


class PageTooLarge(InputRejected):
    code = "page_too_large"
    message_vi = "Trang quét quá lớn (quá nhiều điểm ảnh) — quét lại ở 300 dpi."
    message_en = "A page is too large (too many pixels) — rescan at 300 dpi."


class DocumentTooLarge(InputRejected):
    code = "document_too_large"
    message_vi = (
        "Tài liệu quá lớn: tổng số điểm ảnh của các trang vượt giới hạn — tách thành nhiều tệp "
        "hoặc quét lại ở 300 dpi."
    )
    message_en = (
        "The document is too large: its pages together have too many pixels — split it into "
        "several files or rescan at 300 dpi."
    )


class FileTooLarge(InputRejected):
    code = "file_too_large"
    message_vi = "Tệp quá lớn so với giới hạn cho phép."
    message_en = "The file is larger than allowed."


class InvalidDossierContext(InputRejected):
    code = "invalid_dossier_context"
    message_vi = "Thông tin hồ sơ kèm theo không hợp lệ (mã hồ sơ phải có dạng MÃĐV-YYMMDD-NNNN)."
    message_en = "The dossier context is invalid (dossier code must look like UNIT-YYMMDD-NNNN)."


# --- Environment: a clear start-up error ---------------------------------------------------


class ToolMissing(SohoaError):
    """A required external program or its data is not installed."""

    code = "tool_missing"
    message_vi = "Thiếu phần mềm hệ thống (tesseract, dữ liệu tiếng Việt hoặc poppler)."
    message_en = "A required system tool is missing (tesseract, Vietnamese data or poppler)."


# --- Page-level failures: the page is marked, the document continues ----------------------


class PageFailed(SohoaError):
    code = "page_failed"
    message_vi = "Không nhận dạng được trang này."
    message_en = "This page could not be recognised."


class OcrTimeout(PageFailed):
    code = "ocr_timeout"
    message_vi = "Nhận dạng trang quá thời gian cho phép."
    message_en = "Recognising this page took longer than allowed."


# --- Transient: retried with backoff --------------------------------------------------------


class TransientError(SohoaError):
    """A service is down or slow; the same job will succeed later."""

    code = "transient"
    retryable = True
    message_vi = "Dịch vụ tạm thời không sẵn sàng; hệ thống sẽ tự thử lại."
    message_en = "A service is temporarily unavailable; the job will be retried."


class StorageUnavailable(TransientError):
    code = "storage_unavailable"
    message_vi = "Kho lưu trữ tệp tạm thời không truy cập được; sẽ tự thử lại."
    message_en = "Object storage is temporarily unreachable; will retry."


class IndexUnavailable(TransientError):
    code = "index_unavailable"
    message_vi = "Cơ sở dữ liệu tạm thời không truy cập được; sẽ tự thử lại."
    message_en = "The database is temporarily unreachable; will retry."


class QueueUnavailable(TransientError):
    code = "queue_unavailable"
    message_vi = "Hàng đợi (Redis) tạm thời không truy cập được; tệp được giữ lại để xử lý sau."
    message_en = "The queue (Redis) is temporarily unreachable; the file is kept for later."


# --- A job that could not finish: recorded on the scan, the file goes to quarantine -------


class ProcessingFailed(SohoaError):
    """An unexpected failure (a bug, an unknown tool error); retrying the same input won't help."""

    code = "processing_failed"
    message_vi = (
        "Lỗi hệ thống khi xử lý tệp; bản gốc đã được lưu an toàn — báo quản trị viên "
        "hoặc chạy lại bằng: sohoa jobs --retry."
    )
    message_en = (
        "A system error stopped the processing; the original is stored safely — tell the "
        "administrator or run it again with: sohoa jobs --retry."
    )


class WorkerCrashed(ProcessingFailed):
    code = "worker_crashed"
    message_vi = (
        "Tiến trình xử lý bị dừng đột ngột nhiều lần với tệp này (có thể tệp quá nặng); "
        "bản gốc đã được lưu an toàn."
    )
    message_en = (
        "The processing worker stopped abruptly several times on this file (it may be too "
        "heavy); the original is stored safely."
    )


class ScanTransitionNotAllowed(SohoaError):
    """A scan asked to move between states its life does not allow: a bug, stopped loudly."""

    code = "scan_transition_not_allowed"
    message_vi = "Lỗi hệ thống: trạng thái bản quét không thể chuyển như vậy."
    message_en = "System error: the scan cannot move to that state."


# --- Domain errors ---------------------------------------------------------------------------


class NotFound(SohoaError):
    code = "not_found"
    message_vi = "Không tìm thấy."
    message_en = "Not found."


class ReuseNotAllowed(SohoaError):
    code = "reuse_not_allowed"
    message_vi = "Không thể sử dụng lại kết quả này (đã hết hiệu lực hoặc không thuộc đơn vị)."
    message_en = "This result cannot be reused (expired or outside your unit)."
