"""A closed case as an archival information package: E-ARK CSIP/SIP 2.1 with CITS ERMS metadata.

Sweden's FGS for case management (FGS Ärendehantering 2.0) builds on the E-ARK CITS ERMS
specification; the package follows E-ARK CSIP/SIP 2.1 (checked in the tests with the E-ARK
validator, ``eark-validator``):

    <case number>/
      METS.xml                               the package's METS (CSIP + SIP profile)
      metadata/descriptive/erms.xml          the case (aggregation) and its records, CITS ERMS
      documentation/README.txt               what the package holds, in words
      schemas/socialinvest-case.xsd          the schema of case.xml
      representations/rep1/METS.xml          the representation's METS
      representations/rep1/data/
        beslut-och-ansokan.pdf               the decision and the application as decided (PDF/A)
        case.xml                             every audit event, status change, calculation
                                             version, comment with its revisions, section revision
        attachments/…, comments/…            every uploaded file
"""

from __future__ import annotations

import hashlib
import io
import mimetypes
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from django.utils import timezone

from socialinvest.applications.models import Application
from socialinvest.core.models import AuditEvent

from .documents import decision_pdf

METS_NS = "http://www.loc.gov/METS/"
XLINK = "http://www.w3.org/1999/xlink"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
CSIP = "https://DILCIS.eu/XML/METS/CSIPExtensionMETS"
SIP = "https://DILCIS.eu/XML/METS/SIPExtensionMETS"
ERMS = "https://DILCIS.eu/XML/ERMS"
CASE_NS = "https://socialinvest.example/xml/case/1"
for prefix, uri in (("mets", METS_NS), ("xlink", XLINK), ("xsi", XSI), ("csip", CSIP), ("sip", SIP)):
    ET.register_namespace(prefix, uri)
ET.register_namespace("erms", ERMS)

SIP_PROFILE = "https://earksip.dilcis.eu/profile/E-ARK-SIP.xml"
# The file groups name the content type as OTHER + its name: CSIP 2.1's rule CSIP63 (as the E-ARK
# validator implements it) accepts a file group's content type only in that form.
OTHER_TYPE = {
    f"{{{CSIP}}}CONTENTINFORMATIONTYPE": "OTHER",
    f"{{{CSIP}}}OTHERCONTENTINFORMATIONTYPE": "FGS Ärendehantering 2.0 (CITS ERMS 2.1)",
}
CONTENT_TYPE = "citserms_v2_1"


def m(tag: str) -> str:
    return f"{{{METS_NS}}}{tag}"


@dataclass
class PackedFile:
    path: str  # relative to the package root
    data: bytes
    created: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def mimetype(self) -> str:
        return mimetypes.guess_type(self.path)[0] or "application/octet-stream"


def _xml(root: ET.Element) -> bytes:
    ET.indent(root)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8")


def _iso(value: Any) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else ""


def case_xml(application: Application) -> bytes:
    """Everything the case holds besides its files: audit events, status path, calculation
    versions, comments with every revision, section revisions."""
    from socialinvest.applications.conversation.models import Comment

    root = ET.Element(f"{{{CASE_NS}}}case", {"reference": application.reference})
    ET.SubElement(root, f"{{{CASE_NS}}}title").text = application.title
    events = ET.SubElement(root, f"{{{CASE_NS}}}auditEvents")
    for e in (
        AuditEvent.objects.filter(application=application)
        .select_related("actor")
        .order_by("occurred_at", "id")
    ):
        el = ET.SubElement(
            events,
            f"{{{CASE_NS}}}event",
            {"at": _iso(e.occurred_at), "verb": e.verb, "target": f"{e.target_type}:{e.target_id}"},
        )
        el.set("actor", e.actor.username if e.actor else "")
        ET.SubElement(el, f"{{{CASE_NS}}}summary").text = e.summary
        if e.reason:
            ET.SubElement(el, f"{{{CASE_NS}}}reason").text = e.reason
    path = ET.SubElement(root, f"{{{CASE_NS}}}statusChanges")
    for s in application.status_changes.select_related("by").order_by("at", "id"):
        ET.SubElement(
            path,
            f"{{{CASE_NS}}}change",
            {"at": _iso(s.at), "from": s.from_status, "to": s.to_status, "by": s.by.username},
        ).text = s.comment
    calcs = ET.SubElement(root, f"{{{CASE_NS}}}calculationVersions")
    for c in application.calculations.order_by("number"):
        ET.SubElement(
            calcs,
            f"{{{CASE_NS}}}calculation",
            {
                "number": str(c.number),
                "engineVersion": c.engine_version,
                "seed": str(c.seed),
                "inputSha256": c.input_sha256,
                "npv": repr(c.npv),
                "createdAt": _iso(c.created_at),
            },
        ).text = c.note
    comments = ET.SubElement(root, f"{{{CASE_NS}}}comments")
    for c in (
        Comment.objects.filter(application=application).select_related("author").prefetch_related("revisions")
    ):
        el = ET.SubElement(
            comments,
            f"{{{CASE_NS}}}comment",
            {"at": _iso(c.created_at), "author": c.author.username, "visibility": c.visibility},
        )
        for r in c.revisions.all():
            ET.SubElement(el, f"{{{CASE_NS}}}revision", {"writtenAt": _iso(r.written_at)}).text = r.body
        ET.SubElement(el, f"{{{CASE_NS}}}text").text = c.body
    revisions = ET.SubElement(root, f"{{{CASE_NS}}}sectionRevisions")
    for r in _section_revisions(application):
        ET.SubElement(
            revisions,
            f"{{{CASE_NS}}}revision",
            {"field": r.field, "number": str(r.number), "at": _iso(r.created_at)},
        ).text = r.text
    return _xml(root)


def _section_revisions(application: Application) -> list[Any]:
    try:
        from socialinvest.applications.models import SectionRevision
    except ImportError:
        return []
    return list(SectionRevision.objects.filter(application=application).order_by("field", "number"))


CASE_XSD = b"""<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="https://socialinvest.example/xml/case/1"
           elementFormDefault="qualified">
  <xs:element name="case">
    <xs:complexType>
      <xs:sequence><xs:any processContents="lax" minOccurs="0" maxOccurs="unbounded"/></xs:sequence>
      <xs:attribute name="reference" type="xs:string" use="required"/></xs:complexType>
  </xs:element>
</xs:schema>
"""


def erms_xml(application: Application, records: list[PackedFile]) -> bytes:
    """The case as a CITS ERMS aggregation (caseFile) with one record per archived file."""
    decision = getattr(application, "decision", None)
    root = ET.Element(f"{{{ERMS}}}erms")
    control = ET.SubElement(root, f"{{{ERMS}}}control")
    ET.SubElement(
        control, f"{{{ERMS}}}identification", {"identificationType": "caseNumber"}
    ).text = application.reference
    ET.SubElement(control, f"{{{ERMS}}}maintenanceInformation").text = "Socialinvest"
    aggregations = ET.SubElement(root, f"{{{ERMS}}}aggregations")
    case = ET.SubElement(aggregations, f"{{{ERMS}}}aggregation", {"aggregationType": "caseFile"})
    ET.SubElement(
        case, f"{{{ERMS}}}identification", {"identificationType": "caseNumber"}
    ).text = application.reference
    if decision and decision.reference_number:
        ET.SubElement(
            case, f"{{{ERMS}}}identification", {"identificationType": "diarienummer"}
        ).text = decision.reference_number
    ET.SubElement(case, f"{{{ERMS}}}title").text = application.title
    ET.SubElement(case, f"{{{ERMS}}}status", {"value": application.status})
    agents = ET.SubElement(case, f"{{{ERMS}}}agents")
    owner = ET.SubElement(agents, f"{{{ERMS}}}agent", {"agentType": "responsible_organisation"})
    ET.SubElement(owner, f"{{{ERMS}}}name").text = application.fund.owner.name
    dates = ET.SubElement(case, f"{{{ERMS}}}dates")
    ET.SubElement(dates, f"{{{ERMS}}}date", {"dateType": "created"}).text = _iso(application.created_at)
    if decision:
        ET.SubElement(
            dates, f"{{{ERMS}}}date", {"dateType": "decided"}
        ).text = decision.decided_on.isoformat()
    recs = ET.SubElement(case, f"{{{ERMS}}}records")
    for f in records:
        rec = ET.SubElement(recs, f"{{{ERMS}}}record", {"recordType": "document"})
        ET.SubElement(rec, f"{{{ERMS}}}identification", {"identificationType": "path"}).text = f.path
        ET.SubElement(rec, f"{{{ERMS}}}title").text = Path(f.path).name
        ET.SubElement(rec, f"{{{ERMS}}}checksum", {"checksumType": "SHA-256"}).text = f.sha256
    return _xml(root)


def _file_el(parent: ET.Element, f: PackedFile, file_id: str, href: str) -> None:
    el = ET.SubElement(
        parent,
        m("file"),
        {
            "ID": file_id,
            "MIMETYPE": f.mimetype,
            "SIZE": str(len(f.data)),
            "CREATED": f.created,
            "CHECKSUM": f.sha256,
            "CHECKSUMTYPE": "SHA-256",
        },
    )
    ET.SubElement(el, m("FLocat"), {"LOCTYPE": "URL", f"{{{XLINK}}}type": "simple", f"{{{XLINK}}}href": href})


def _mets_root(objid: str, label: str) -> ET.Element:
    return ET.Element(
        m("mets"),
        {
            "OBJID": objid,
            "LABEL": label,
            "TYPE": "Mixed",
            f"{{{CSIP}}}CONTENTINFORMATIONTYPE": CONTENT_TYPE,
            "PROFILE": SIP_PROFILE,
        },
    )


def _header(root: ET.Element, created: str, organisation: Any) -> None:
    hdr = ET.SubElement(
        root,
        m("metsHdr"),
        {"CREATEDATE": created, "RECORDSTATUS": "NEW", f"{{{CSIP}}}OAISPACKAGETYPE": "SIP"},
    )
    software = ET.SubElement(hdr, m("agent"), {"ROLE": "CREATOR", "TYPE": "OTHER", "OTHERTYPE": "SOFTWARE"})
    ET.SubElement(software, m("name")).text = "Socialinvest"
    ET.SubElement(software, m("note"), {f"{{{CSIP}}}NOTETYPE": "SOFTWARE VERSION"}).text = _version()
    # The organisation that creates the record (the municipality), identified by its code.
    creator = ET.SubElement(hdr, m("agent"), {"ROLE": "ARCHIVIST", "TYPE": "ORGANIZATION"})
    ET.SubElement(creator, m("name")).text = organisation.name
    code = getattr(organisation, "municipality_code", "") or organisation.slug
    ET.SubElement(creator, m("note"), {f"{{{CSIP}}}NOTETYPE": "IDENTIFICATIONCODE"}).text = code


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("socialinvest")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0"


def representation_mets(objid: str, created: str, organisation: Any, data: list[PackedFile]) -> bytes:
    root = _mets_root(f"{objid}-rep1", "rep1")
    _header(root, created, organisation)
    file_sec = ET.SubElement(root, m("fileSec"), {"ID": "fileSec-rep1"})
    grp = ET.SubElement(file_sec, m("fileGrp"), {"ID": "grp-data", "USE": "Data"})
    ids = []
    for i, f in enumerate(data, 1):
        ids.append(f"file-{i}")
        _file_el(grp, f, ids[-1], f.path.removeprefix("representations/rep1/"))
    smap = ET.SubElement(root, m("structMap"), {"ID": "structmap-rep1", "TYPE": "PHYSICAL", "LABEL": "CSIP"})
    top = ET.SubElement(smap, m("div"), {"ID": "div-rep1", "LABEL": objid})
    data_div = ET.SubElement(top, m("div"), {"ID": "div-data", "LABEL": "Data"})
    ET.SubElement(data_div, m("fptr"), {"FILEID": "grp-data"})
    return _xml(root)


def build_package(application: Application) -> dict[str, bytes]:
    """The package's files by path (the folder named after the case number is added by the writer)."""
    created = _iso(timezone.now())
    objid = application.reference
    organisation = application.fund.owner
    data: list[PackedFile] = [
        PackedFile("representations/rep1/data/beslut-och-ansokan.pdf", decision_pdf(application), created),
        PackedFile("representations/rep1/data/case.xml", case_xml(application), created),
    ]
    for a in application.attachments.all():
        with a.file.open("rb") as fh:
            data.append(
                PackedFile(
                    f"representations/rep1/data/attachments/{a.pk}-{a.name}", fh.read(), _iso(a.uploaded_at)
                )
            )
    from socialinvest.applications.conversation.models import CommentAttachment

    for a in CommentAttachment.objects.filter(comment__application=application).select_related("comment"):
        with a.file.open("rb") as fh:
            data.append(
                PackedFile(
                    f"representations/rep1/data/comments/{a.comment_id}-{a.pk}-{a.name}",
                    fh.read(),
                    _iso(a.comment.created_at),
                )
            )
    rep_mets = PackedFile(
        "representations/rep1/METS.xml", representation_mets(objid, created, organisation, data), created
    )
    erms = PackedFile("metadata/descriptive/erms.xml", erms_xml(application, data), created)
    readme = PackedFile(
        "documentation/README.txt",
        (
            f"Case {objid}: {application.title}\n"
            "representations/rep1/data/beslut-och-ansokan.pdf: the decision and the application as "
            "decided (PDF/A-3b).\n"
            "representations/rep1/data/case.xml: audit events, status changes, calculation versions, "
            "comments "
            "with their revisions and section revisions.\n"
            "metadata/descriptive/erms.xml: the case as a CITS ERMS aggregation.\n"
        ).encode(),
        created,
    )
    schema = PackedFile("schemas/socialinvest-case.xsd", CASE_XSD, created)

    root = _mets_root(objid, application.title)
    _header(root, created, organisation)
    dmd = ET.SubElement(root, m("dmdSec"), {"ID": "dmd-erms", "CREATED": created, "STATUS": "CURRENT"})
    ET.SubElement(
        dmd,
        m("mdRef"),
        {
            "LOCTYPE": "URL",
            f"{{{XLINK}}}type": "simple",
            f"{{{XLINK}}}href": erms.path,
            "MDTYPE": "OTHER",
            "OTHERMDTYPE": "ERMS",
            "MIMETYPE": "text/xml",
            "SIZE": str(len(erms.data)),
            "CREATED": created,
            "CHECKSUM": erms.sha256,
            "CHECKSUMTYPE": "SHA-256",
        },
    )
    file_sec = ET.SubElement(root, m("fileSec"), {"ID": "fileSec"})
    doc_grp = ET.SubElement(
        file_sec, m("fileGrp"), {"ID": "grp-documentation", "USE": "Documentation", **OTHER_TYPE}
    )
    _file_el(doc_grp, readme, "file-readme", readme.path)
    schema_grp = ET.SubElement(file_sec, m("fileGrp"), {"ID": "grp-schemas", "USE": "Schemas", **OTHER_TYPE})
    _file_el(schema_grp, schema, "file-schema", schema.path)
    rep_grp = ET.SubElement(
        file_sec,
        m("fileGrp"),
        {"ID": "grp-rep1", "USE": "Representations/rep1", **OTHER_TYPE},
    )
    _file_el(rep_grp, rep_mets, "file-rep1-mets", rep_mets.path)
    smap = ET.SubElement(root, m("structMap"), {"ID": "structmap", "TYPE": "PHYSICAL", "LABEL": "CSIP"})
    top = ET.SubElement(smap, m("div"), {"ID": "div-root", "LABEL": objid})
    ET.SubElement(top, m("div"), {"ID": "div-metadata", "LABEL": "Metadata", "DMDID": "dmd-erms"})
    d = ET.SubElement(top, m("div"), {"ID": "div-documentation", "LABEL": "Documentation"})
    ET.SubElement(d, m("fptr"), {"FILEID": "grp-documentation"})
    d = ET.SubElement(top, m("div"), {"ID": "div-schemas", "LABEL": "Schemas"})
    ET.SubElement(d, m("fptr"), {"FILEID": "grp-schemas"})
    reps = ET.SubElement(top, m("div"), {"ID": "div-representations", "LABEL": "Representations"})
    ET.SubElement(reps, m("fptr"), {"FILEID": "grp-rep1"})
    d = ET.SubElement(reps, m("div"), {"ID": "div-rep1", "LABEL": "Representations/rep1"})
    ET.SubElement(
        d,
        m("mptr"),
        {
            "LOCTYPE": "URL",
            f"{{{XLINK}}}type": "simple",
            f"{{{XLINK}}}href": rep_mets.path,
            f"{{{XLINK}}}title": "grp-rep1",
        },
    )
    files = {f.path: f.data for f in [*data, rep_mets, erms, readme, schema]}
    files["METS.xml"] = _xml(root)
    return files


def write_package(application: Application, target: Path) -> Path:
    """Write the package as a folder named after the case number under ``target``."""
    folder = target / application.reference
    for rel, content in build_package(application).items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return folder


def package_zip(application: Application) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for rel, content in sorted(build_package(application).items()):
            zf.writestr(f"{application.reference}/{rel}", content)
    return buffer.getvalue()
