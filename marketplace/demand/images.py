"""Showcase images: uploads are verified, size-capped, re-encoded as JPEG and stripped of metadata.

Only the pixels survive: EXIF (GPS positions, camera serials), ICC and comments are dropped because a
new image is written from the decoded bitmap. Decompression bombs are refused before decoding.
"""

import io

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # decoded size cap: a 5 MB PNG may otherwise expand to gigabytes
MAX_SIDE = 1600  # stored images are at most this wide or high
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}


def process_image(upload) -> ContentFile:
    """A safe JPEG (ContentFile) from an uploaded image, or ValidationError with a message for the user."""
    if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(_("The image is larger than 5 MB."), code="too_large")
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationError(_("The image is larger than 5 MB."), code="too_large")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ALLOWED_FORMATS:
                raise ValidationError(_("Upload a JPEG, PNG, WebP or GIF image."), code="format")
            width, height = probe.size
            if width * height > MAX_PIXELS:
                raise ValidationError(_("The image has too many pixels."), code="too_many_pixels")
            probe.verify()  # structural check; the image must be opened again to decode it
        with Image.open(io.BytesIO(data)) as image:
            image.seek(0)  # the first frame of an animation
            image = ImageOps.exif_transpose(image)  # keep the orientation the camera recorded
            image = image.convert("RGBA") if image.mode in ("P", "LA", "RGBA") else image.convert("RGB")
            if image.mode == "RGBA":  # JPEG has no transparency: flatten onto white
                background = Image.new("RGB", image.size, (255, 255, 255))
                background.paste(image, mask=image.split()[-1])
                image = background
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            out = io.BytesIO()
            image.save(out, format="JPEG", quality=85, optimize=True)
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError, SyntaxError):
        raise ValidationError(_("This file is not an image we can read."), code="invalid") from None
    return ContentFile(out.getvalue(), name="image.jpg")
