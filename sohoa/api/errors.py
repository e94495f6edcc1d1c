"""Errors of staff actions (search, attach, review) that the HTTP and CLI edges map by class."""

from __future__ import annotations

from schemas.errors import SohoaError


class NotAuthenticated(SohoaError):
    code = "not_authenticated"
    message_vi = "Chưa đăng nhập hoặc phiên làm việc đã hết hạn — vui lòng đăng nhập lại."
    message_en = "Not logged in, or the session has expired — please log in again."


class Forbidden(SohoaError):
    code = "forbidden"
    message_vi = "Bạn không có quyền thực hiện thao tác này."
    message_en = "You are not allowed to do this."


class InvalidRequest(SohoaError):
    code = "invalid_request"
    message_vi = "Dữ liệu nhập không hợp lệ."
    message_en = "The request is invalid."


class StaleVersion(SohoaError):
    code = "stale_version"
    message_vi = "Kết quả này vừa được người khác sửa — hãy tải lại trước khi sửa tiếp."
    message_en = "This result was just corrected by someone else — reload before correcting."


class TooManyAttempts(SohoaError):
    """Too many failed logins for an account or from an address; try again after a while."""

    code = "too_many_attempts"
    message_vi = "Đăng nhập sai quá nhiều lần — vui lòng chờ rồi thử lại."
    message_en = "Too many failed logins — please wait and try again."

    def __init__(self, detail: str = "", retry_after: int = 60) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


class NotRetryable(SohoaError):
    code = "not_retryable"
    message_vi = "Chỉ tệp bị lỗi hệ thống mới chạy lại được; tệp bị cách ly cần quét lại."
    message_en = (
        "Only a file that failed on a system error can be run again; rescan a quarantined one."
    )


class UploadTooLarge(SohoaError):
    """An upload beyond the intake's size limit: refused while it streams in, never stored."""

    code = "upload_too_large"
    message_vi = "Tệp tải lên quá lớn so với giới hạn cho phép."
    message_en = "The uploaded file is larger than allowed."
