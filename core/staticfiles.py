"""The production static files storage (settings.STORAGES["staticfiles"] with DEBUG=0)."""
from whitenoise.storage import CompressedManifestStaticFilesStorage


class ManifestGzipStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's hashed names and manifest, with gzip copies only. WhiteNoise adds brotli copies whenever
    the `brotli` module happens to be importable (it arrives with other packages, e.g. locust), and brotli
    at its best ratio cost minutes of CPU per build on our 2 cores: a build must not depend on what else is
    installed. Gzip is what every browser accepts."""

    def create_compressor(self, **kwargs):
        return super().create_compressor(use_brotli=False, **kwargs)
