from django.urls import reverse
from rest_framework import serializers

from ..choices import AttachmentKind
from ..models import Attachment


class AttachmentUploadInput(serializers.Serializer):
    file = serializers.FileField(help_text="JPEG, PNG or PDF (checked by content), at most 10 MB.")
    kind = serializers.ChoiceField(choices=AttachmentKind.choices, required=False, default=AttachmentKind.OTHER)


class AttachmentOutput(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ("id", "kind", "content_type", "size", "sha256", "original_name", "uploaded_at", "download_url")

    def get_download_url(self, obj: Attachment) -> str:
        return reverse("api:ticket-attachment-download", kwargs={"number": obj.ticket.number, "pk": obj.pk})
