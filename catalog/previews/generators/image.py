"""Images → a PNG thumbnail made with Pillow (pixel count capped: decompression bombs are refused)."""

import io
import warnings

from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from .base import MAX_IMAGE_PIXELS, THUMBNAIL_SIZE, PreviewUnavailable, Result


def image_preview(stream) -> Result:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(stream) as image:
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise PreviewUnavailable(
                        _("The image has %(mp)d megapixels; previews decode up to %(max)d.")
                        % {"mp": width * height // 1_000_000, "max": MAX_IMAGE_PIXELS // 1_000_000}
                    )
                source_format = (image.format or "").lower()
                image.seek(0)
                image.draft("RGB", THUMBNAIL_SIZE)
                image.thumbnail(THUMBNAIL_SIZE)
                if image.mode not in ("RGB", "RGBA", "L", "LA"):
                    image = image.convert("RGBA")
                out = io.BytesIO()
                image.save(out, format="PNG", optimize=True)
                thumb_width, thumb_height = image.size
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise PreviewUnavailable(_("The image is too large to decode safely.")) from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise PreviewUnavailable(_("The image cannot be read.")) from exc
    return Result(
        kind="image",
        data={
            "format": source_format,
            "width": width,
            "height": height,
            "thumbnail_width": thumb_width,
            "thumbnail_height": thumb_height,
        },
        image=out.getvalue(),
    )
