"""What a file IS, from its first bytes — never from its name or the client's Content-Type. Pure."""
from typing import Final

JPEG: Final = "image/jpeg"
PNG: Final = "image/png"
PDF: Final = "application/pdf"

SIGNATURES: Final = (
    (b"\xff\xd8\xff", JPEG),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"%PDF-", PDF),
)
EXTENSIONS: Final = {JPEG: ".jpg", PNG: ".png", PDF: ".pdf"}
# ELF, Windows PE ("MZ"), Mach-O (both byte orders, 32/64 bit, fat), scripts with a shebang.
EXECUTABLE_MAGIC: Final = (
    b"\x7fELF", b"MZ", b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe", b"#!",
)
HEAD_BYTES: Final = 16


def sniff(head: bytes) -> str | None:
    """The content type of an allowed file (JPEG, PNG, PDF), or None."""
    for magic, content_type in SIGNATURES:
        if head.startswith(magic):
            return content_type
    return None


def looks_executable(head: bytes) -> bool:
    return head.startswith(EXECUTABLE_MAGIC)
