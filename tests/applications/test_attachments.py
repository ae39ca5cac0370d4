"""Attachments: stored with size and SHA-256; refused when too large or holding a personnummer."""

from __future__ import annotations

import codecs
import hashlib
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from documents import docx, pdf, xlsx
from socialinvest.applications import actions
from socialinvest.applications.models import Attachment
from socialinvest.core.models import AuditEvent

PNR = "19811218-9876"


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.mark.django_db
def test_attachment_is_stored_with_size_and_sha256(world, idea_app):
    content = "Utvärdering av liknande insats i Norrköping.\n".encode()
    attachment = actions.do_add_attachment(
        application=idea_app, upload=upload("rapport.txt", content, "text/plain"), acting_user=world.applicant
    )
    assert attachment.size == len(content)
    assert attachment.sha256 == hashlib.sha256(content).hexdigest()
    assert attachment.name == "rapport.txt" and attachment.section == "evidence"
    assert attachment.file.read() == content
    assert AuditEvent.objects.filter(application=idea_app, verb="attachment.added").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, content",
    [
        ("lista.txt", f"Deltagare: {PNR}\n".encode()),
        ("lista.csv", f"namn;pnr\nAnna;{PNR}\n".encode("latin-1")),
        ("latin.txt", f"Elev på skolan: {PNR}, åäö".encode("latin-1")),  # not UTF-8
        ("beskrivning.docx", docx(["Insatsen."], ["Kontakt: ", "19811218", "-", "9876"])),
        ("kalkyl.xlsx", xlsx(shared=PNR)),
        # Where the check once did not look (issue #10):
        ("utf16.txt", codecs.BOM_UTF16_LE + f"Elev {PNR}".encode("utf-16-le")),
        ("utf16be.csv", f"Elev;{PNR}".encode("utf-16-be")),  # no byte-order mark
        ("inline.xlsx", xlsx(inline=PNR)),
        ("numeric.xlsx", xlsx(number="198112189876")),
        ("sidhuvud.docx", docx(["Insatsen."], header=f"Elev {PNR}")),
        ("kommentar.docx", docx(["Insatsen."], comment=f"Ring {PNR}")),
        ("entity.docx", docx(["Insatsen."], header="Elev 19811218&#45;9876")),
        ("rapport.pdf", pdf(f"Deltagare {PNR}")),
        ("endash.txt", "Elev 811218–9876".encode()),
    ],
)
def test_attachment_with_a_personnummer_is_refused(world, idea_app, name, content):
    with pytest.raises(ValidationError) as exc:
        actions.do_add_attachment(
            application=idea_app, upload=upload(name, content), acting_user=world.applicant
        )
    assert "personnummer" in exc.value.message_dict["file"][0]
    assert not Attachment.objects.exists()


@pytest.mark.django_db
def test_personnummer_in_the_file_name_is_refused(world, idea_app):
    with pytest.raises(ValidationError, match="Filnamnet innehåller ett personnummer"):
        actions.do_add_attachment(
            application=idea_app,
            upload=upload(f"journal {PNR}.pdf", b"%PDF-1.4"),
            acting_user=world.applicant,
        )


@pytest.mark.django_db
def test_clean_docx_and_pdf_are_accepted(world, idea_app):
    clean = docx(["Effektkedja: närvaro → behörighet."], ["Belopp 1 200 000 kr, dnr KS 2024/0123"])
    actions.do_add_attachment(
        application=idea_app, upload=upload("plan.docx", clean), acting_user=world.applicant
    )
    actions.do_add_attachment(
        application=idea_app,
        upload=upload("studie.pdf", pdf("Belopp 1 200 000 kr, dnr KS 2024/0123")),
        acting_user=world.applicant,
    )
    actions.do_add_attachment(
        application=idea_app,
        upload=upload("kalkyl.xlsx", xlsx(number="1200000")),
        acting_user=world.applicant,
    )
    assert Attachment.objects.count() == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", ["gammal.doc", "gammal.xls", "arkiv.gz", "bild.png", "paket.zip", "text.rtf"]
)
def test_a_type_whose_text_cannot_be_checked_is_refused_naming_the_accepted_types(world, idea_app, name):
    with pytest.raises(ValidationError) as exc:
        actions.do_add_attachment(
            application=idea_app, upload=upload(name, f"Elev {PNR}".encode()), acting_user=world.applicant
        )
    message = exc.value.message_dict["file"][0]
    assert "Tillåtna filtyper" in message and ".pdf" in message and ".docx" in message
    assert not Attachment.objects.exists()


@pytest.mark.django_db
def test_a_broken_pdf_is_refused(world, idea_app):
    with pytest.raises(ValidationError, match="kunde inte läsas"):
        actions.do_add_attachment(
            application=idea_app,
            upload=upload("trasig.pdf", b"%PDF-1.4 nothing"),
            acting_user=world.applicant,
        )


@pytest.mark.django_db
def test_broken_docx_is_refused(world, idea_app):
    with pytest.raises(ValidationError, match="kunde inte läsas"):
        actions.do_add_attachment(
            application=idea_app, upload=upload("trasig.docx", b"not a zip"), acting_user=world.applicant
        )


@pytest.mark.django_db
@override_settings(ATTACHMENT_MAX_BYTES=100)
def test_too_large_attachment_is_refused(world, idea_app):
    with pytest.raises(ValidationError, match="för stor"):
        actions.do_add_attachment(
            application=idea_app, upload=upload("stor.pdf", b"x" * 101), acting_user=world.applicant
        )
    actions.do_add_attachment(
        application=idea_app, upload=upload("lagom.txt", b"x" * 100), acting_user=world.applicant
    )
    assert Attachment.objects.count() == 1


@pytest.mark.django_db
def test_only_editors_add_attachments(world, idea_app):
    with pytest.raises(PermissionDenied):
        actions.do_add_attachment(
            application=idea_app, upload=upload("a.txt", b"ok"), acting_user=world.preparer
        )
    actions.do_transition(application=idea_app, name="submit_idea", acting_user=world.applicant)
    with pytest.raises(PermissionDenied):  # not editable once submitted
        actions.do_add_attachment(
            application=idea_app, upload=upload("a.txt", b"ok"), acting_user=world.applicant
        )


# -- Through the page -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_upload_list_and_download_through_the_page(world, client, idea_app):
    client.force_login(world.applicant)
    section = reverse("applications:section", args=[idea_app.pk, "intervention"])
    page = client.get(section).content.decode()
    assert 'enctype="multipart/form-data"' in page and 'name="file"' in page and "Ladda upp" in page
    response = client.post(
        reverse("applications:attachment_add", args=[idea_app.pk]),
        {"file": upload("forskning.txt", b"Metaanalys 2019", "text/plain")},
    )
    assert response.status_code == 302 and response["Location"] == section
    attachment = Attachment.objects.get()
    page = client.get(section).content.decode()
    download = reverse("applications:attachment", args=[idea_app.pk, attachment.pk])
    assert f'href="{download}"' in page and "forskning.txt" in page
    client.force_login(world.auditor)  # readers may download
    response = client.get(download)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"Metaanalys 2019"
    assert "forskning.txt" in response["Content-Disposition"]
    client.force_login(world.outsider)
    response = client.get(download)
    assert response.status_code == 403


@pytest.mark.django_db
def test_upload_with_a_personnummer_is_refused_next_to_the_field(world, client, idea_app):
    client.force_login(world.applicant)
    response = client.post(
        reverse("applications:attachment_add", args=[idea_app.pk]),
        {"file": upload("deltagare.docx", docx(["Elev ", PNR]))},
    )
    assert response.status_code == 200
    page = response.content.decode()
    m = re.search(r'id="id_file-error">([^<]*)<', page)
    assert m and "personnummer" in m.group(1)
    assert 'aria-describedby="id_file-help id_file-error"' in page
    assert not Attachment.objects.exists()


@pytest.mark.django_db
def test_upload_by_a_reader_is_a_403(world, client, idea_app):
    client.force_login(world.auditor)
    response = client.post(
        reverse("applications:attachment_add", args=[idea_app.pk]),
        {"file": upload("a.txt", b"ok", "text/plain")},
    )
    assert response.status_code == 403
    assert "Endast sökande enheter" in response.content.decode()
    assert not Attachment.objects.exists()
