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

import datetime as dt
import hashlib
import io
import mimetypes
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from django.utils import timezone

from socialinvest.applications.conversation.models import Comment, CommentAttachment
from socialinvest.applications.models import Application, SectionRevision
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


def _e(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, f"{{{ERMS}}}{tag}", attrs)
    if text is not None:
        el.text = text
    return el


def _erms_date(value: Any) -> str:
    """An ``xs:dateTime`` (a date alone is the start of that day, local time)."""
    if isinstance(value, dt.datetime):
        return _iso(value)
    start = timezone.make_aware(dt.datetime.combine(value, dt.time()))
    return start.isoformat(timespec="seconds")


def erms_xml(application: Application, records: list[PackedFile], created: str) -> bytes:
    """The case as a CITS ERMS ``caseFile`` aggregation with one record per archived file.

    Valid against the CITS ERMS schema 2.1.2 (the version FGS Ärendehantering 2.0 builds on):
    the elements appear in the schema's order, every required element and attribute is given, and
    every enumerated value is one of the schema's.  The schema itself is not in this repository
    (its repository states no licence); tests/archive checks the required structure, and against
    the schema file where one is provided.
    """
    decision = getattr(application, "decision", None)
    organisation = application.fund.owner
    root = ET.Element(f"{{{ERMS}}}erms")
    control = _e(root, "control")
    _e(control, "identification", application.reference, identificationType="caseNumber")
    maintenance = _e(control, "maintenanceInformation")
    _e(maintenance, "maintenanceStatus", value="new")
    agency = _e(maintenance, "maintenanceAgency")
    code = getattr(organisation, "municipality_code", "") or ""
    if code:
        _e(agency, "agencyCode", code, type="municipality_code")
    _e(agency, "agencyName", organisation.name)
    history = _e(maintenance, "maintenanceHistory")
    event = _e(history, "maintenanceEvent")
    _e(event, "eventType", value="created")
    _e(event, "eventDateTime", created)
    software = _e(event, "agent", agentType="other", otherAgentType="software")
    _e(software, "name", f"Socialinvest {_version()}")

    aggregations = _e(root, "aggregations")
    case = _e(
        aggregations,
        "aggregation",
        systemIdentifier=f"application:{application.pk}",
        aggregationType="caseFile",
    )
    _e(case, "objectId", application.reference)
    _e(case, "identification", application.reference, identificationType="caseNumber")
    if decision and decision.reference_number:
        _e(case, "identification", decision.reference_number, identificationType="diarienummer")
    _e(case, "title", application.title)
    _e(case, "status", value="closed" if decision else "in_progress")
    agents = _e(case, "agents")
    owner = _e(agents, "agent", agentType="owner")
    _e(owner, "name", organisation.name)
    _e(owner, "organisation", organisation.name)
    _e(owner, "unitName", application.fund.name)
    for applicant in application.applicant_units.select_related("unit").order_by("-is_lead", "id"):
        sender = _e(agents, "agent", agentType="sender")
        _e(sender, "name", applicant.unit.name)
        _e(sender, "organisation", organisation.name)
        _e(sender, "unitName", applicant.unit.name)
    dates = _e(case, "dates")
    _e(dates, "date", _erms_date(application.created_at), dateType="created")
    if decision:
        _e(dates, "date", _erms_date(decision.decided_on), dateType="decision")
    for number, f in enumerate(records, 1):
        record = _e(case, "record", systemIdentifier=f"file:{number}", recordType="document")
        _e(record, "objectId", f.path)
        _e(record, "title", Path(f.path).name)
        record_dates = _e(record, "dates")
        _e(record_dates, "date", f.created, dateType="created")
        notes = _e(record, "notes")
        _e(notes, "note", f.sha256, noteType="SHA-256")
        extra = _e(record, "additionalInformation")
        _e(extra, "appendix", name=Path(f.path).name, path=f.path, fileFormat=f.mimetype)
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
        {
            "CREATEDATE": created,
            "LASTMODDATE": created,
            "RECORDSTATUS": "NEW",
            f"{{{CSIP}}}OAISPACKAGETYPE": "SIP",
        },
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
    erms = PackedFile("metadata/descriptive/erms.xml", erms_xml(application, data, created), created)
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
