"""An upload handler that stops an upload as soon as it exceeds UPLOAD_MAX_BYTES."""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload


class SizeLimitUploadHandler(FileUploadHandler):
    """Count bytes of every file in the request and abort past the limit, before the disk fills.

    The request's files are then dropped; `upload_too_large(request)` tells the form why.
    """

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.total = 0
        self.request.upload_too_large = False
        # A declared body far over the limit is refused at its first chunk (the rest is discarded).
        if content_length and content_length > settings.UPLOAD_MAX_BYTES + 1024 * 1024:
            self.request.upload_too_large = True

    def receive_data_chunk(self, raw_data, start):
        self.total += len(raw_data)
        if self.request.upload_too_large or self.total > settings.UPLOAD_MAX_BYTES:
            self.request.upload_too_large = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None


def upload_too_large(request) -> bool:
    return bool(getattr(request, "upload_too_large", False))
