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
