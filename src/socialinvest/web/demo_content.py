"""The demo fund's content: a fictional municipality, its fund and eight applications.

Everything here is invented for the demo (Exempelstad does not exist) except the
case "Alla barn i skolan", which follows Norrköping's project in seed 003 and its
calculation in ``examples/alla-barn-i-skolan.yaml``.  No personal data: people
appear only as roles.  :mod:`socialinvest.web.demo` turns this into data, through
the same services the pages use.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from socialinvest.organisations.models import Role, Unit

ORGANISATION = {"slug": "exempelstad", "name": "Exempelstads kommun"}

# name, kind, actor_id (the calculation engine's actor, so "who gains" lines up with the units)
COMMITTEE, ADMINISTRATION, EXTERNAL = Unit.Kind.COMMITTEE, Unit.Kind.ADMINISTRATION, Unit.Kind.EXTERNAL
UNITS: list[tuple[str, str, str]] = [
    ("Socialnämnden", COMMITTEE, "kommun.socialtjanst"),
    ("Utbildningsnämnden", COMMITTEE, "kommun.utbildning"),
    ("Arbetsmarknadsnämnden", COMMITTEE, "kommun.arbetsmarknad"),
    ("Kultur- och fritidsnämnden", COMMITTEE, "kommun.kultur_fritid"),
    ("Socialförvaltningen", ADMINISTRATION, "kommun.socialtjanst"),
    ("Utbildningsförvaltningen", ADMINISTRATION, "kommun.utbildning"),
    ("Arbetsmarknadsförvaltningen", ADMINISTRATION, "kommun.arbetsmarknad"),
    ("Kultur- och fritidsförvaltningen", ADMINISTRATION, "kommun.kultur_fritid"),
    ("Region Exempel", EXTERNAL, "region.halso_sjukvard"),
    ("Försäkringskassan", EXTERNAL, "stat.forsakringskassan"),
    ("Arbetsförmedlingen", EXTERNAL, "stat.arbetsformedlingen"),
    ("Polisen", EXTERNAL, "stat.polisen"),
]

FUND: dict[str, Any] = {
    "slug": "sif",
    "name": "Sociala investeringsfonden",
    "capital": Decimal("40000000"),
    "requires_idea_test": True,
    "requires_council_opinion": True,
    "min_applicant_units": 2,
    "default_repayment_model": "fixed_schedule",
    "rules_text": """\
Regler för Exempelstads kommuns sociala investeringsfond (demo)

1. Syfte
Kommunfullmäktige har avsatt 40 miljoner kronor av eget kapital till en social
investeringsfond. Fonden finansierar tidsbegränsade, förebyggande insatser som bryter
negativa förlopp tidigt, minskar utanförskap och på sikt minskar kommunens och samhällets
kostnader, samtidigt som människor får ett bättre liv.

2. Vem kan söka
Nämnder och förvaltningar i Exempelstads kommun. En ansökan ska ha minst två sökande
enheter, till exempel två nämnder, eller en nämnd tillsammans med regionen eller en statlig
myndighet. Idéburna organisationer kan delta som partner.

3. Ansökan i två steg
Först lämnas en kort idé (idéprövning). Beredningsgruppen prövar idén mot kriterierna och
bjuder in till fullständig ansökan. Den fullständiga ansökan ska innehålla behov och
målgrupp med riskfaktorer, insatsen och dess evidens, effektkedja, budget per år och
betalare, en förkalkyl av besparingar per nämnd och extern aktör, risker, en plan för
uppföljning och utvärdering (indikatorer, mättidpunkter, jämförelsegrupp), en
genomförandeplan, ett förslag till återföring och underskrift av ansvarig chef.

4. Beredning
Den tvärsektoriella beredningsgruppen bedömer ansökan mot fondens kriterier på en skala
1–5. Fondens ekonom granskar kalkylen. Det vetenskapliga rådet yttrar sig över evidensen
och utvärderingsdesignen. Den som tillhör en sökande enhet deltar inte i beredningen (jäv).

5. Beslut
Kommunstyrelsens arbetsutskott beslutar om beviljat belopp, period (normalt 1–3 år),
villkor och återbetalningsplan. Beviljade belopp får aldrig överstiga fondens ointecknade
kapital.

6. Återföring
Insatsen återbetalas enligt en fast plan genom ramminskning hos de nämnder där
kostnadsminskningarna uppstår, så att fonden kan finansiera nya investeringar.

7. Uppföljning
Varje insats följs upp enligt sin uppföljningsplan och rapporteras årligen. Efter
projekttiden görs en efterkalkyl och ett beslut om att införa arbetssättet i ordinarie
verksamhet eller avsluta det. Fondens ställning redovisas i delårsrapport och årsredovisning.
""",
}

# name, weight, description (scale 1–5 for all)
CRITERIA: list[tuple[str, Decimal, str]] = [
    (
        "Förebygger utanförskap",
        Decimal(2),
        "Insatsen riktar sig till en avgränsad målgrupp med kända riskfaktorer och bryter ett "
        "negativt förlopp i ett tidigt skede.",
    ),
    (
        "Minskar eller bromsar framtida offentliga kostnader",
        Decimal(2),
        "Förkalkylen visar troliga kostnadsminskningar för kommunens nämnder och andra aktörer, "
        "med redovisade och rimliga antaganden.",
    ),
    (
        "Ny metod eller evidensbaserad metod",
        Decimal("1.5"),
        "Metoden prövas för första gången i kommunen eller vilar på forskning och erfarenheter "
        "från andra kommuner.",
    ),
    (
        "Tvärsektoriell samverkan",
        Decimal(1),
        "Minst två nämnder, eller en nämnd och en extern aktör, genomför insatsen tillsammans.",
    ),
    (
        "Mätbar",
        Decimal("1.5"),
        "Det finns indikatorer, mättidpunkter och en jämförelsegrupp så att effekten kan följas upp "
        "och en efterkalkyl göras.",
    ),
    (
        "Inte ett generellt budgettillskott",
        Decimal(1),
        "Medlen finansierar en avgränsad och tidsbegränsad insats och ersätter inte ordinarie verksamhet.",
    ),
]

DEMO_PASSWORD = "socialinvest-demo"

# username, display name (a role, never a person), role, scope ("fund", "organisation" or a unit name)
USERS: list[tuple[str, str, str, str]] = [
    ("ekonom", "Fondens ekonom", Role.FUND_ADMIN, "fund"),
    ("sokande", "Sökande, Utbildningsnämnden", Role.APPLICANT, "Utbildningsnämnden"),
    ("sokande2", "Sökande, Socialnämnden", Role.APPLICANT, "Socialnämnden"),
    ("beredare", "Beredningsgruppen, ledamot 1", Role.PREPARATION, "fund"),
    ("beredare2", "Beredningsgruppen, ledamot 2", Role.PREPARATION, "fund"),
    ("radet", "Vetenskapliga rådet", Role.COUNCIL, "fund"),
    ("beslut", "Kommunstyrelsens arbetsutskott", Role.DECISION_MAKER, "fund"),
    ("projektledare", "Projektledare, Alla barn i skolan", Role.PROJECT_LEAD, "Utbildningsförvaltningen"),
    ("revisor", "Revisor", Role.AUDITOR, "organisation"),
]

# ---------------------------------------------------------------------------
# Calculations for the invented cases.  Every number is a demo assumption.

SCENARIO_SAMORDNAD_INSATS: dict[str, Any] = {
    "name": "Tidig samordnad insats för unga i riskzon (demo)",
    "price_year": 2024,
    "start_year": 2027,
    "horizon": 15,
    "draws": 10000,
    "seed": 2027,
    "optimism_bias": {"dist": "triangular", "low": 0.0, "mode": 0.05, "high": 0.2},
    "costs": [
        {
            "actor": "kommun.socialtjanst",
            "years": [0, 1],
            "amount": 2600000,
            "description": "Samordnare, fältassistenter och familjebehandlare (demoantagande)",
        }
    ],
    "participants": [{"year": 0, "count": 40}, {"year": 1, "count": 40}],
    "outcomes": [
        {
            "name": "Färre placeringar på HVB",
            "cost_item": "placement_hvb",
            "baseline_risk": {"dist": "pert", "low": 0.05, "mode": 0.10, "high": 0.15},
            "effect": {"dist": "pert", "low": 0.0, "mode": 0.15, "high": 0.35},
            "lag": 1,
            "duration": 2,
            "deadweight": 0.3,
            "attribution": 0.7,
        },
        {
            "name": "Färre år i kriminella nätverk",
            "cost_item": "gang_member_year",
            "baseline_risk": {"dist": "pert", "low": 0.02, "mode": 0.04, "high": 0.08},
            "effect": {"dist": "pert", "low": 0.0, "mode": 0.10, "high": 0.30},
            "lag": 2,
            "duration": 3,
            "persistence": 0.8,
            "deadweight": 0.3,
            "attribution": 0.6,
        },
        {
            "name": "Färre personrån",
            "cost_item": "street_robbery",
            "baseline_risk": 0.2,
            "effect": {"dist": "pert", "low": 0.0, "mode": 0.15, "high": 0.30},
            "lag": 1,
            "deadweight": 0.3,
            "attribution": 0.6,
        },
    ],
}

SCENARIO_FORALDRASTOD: dict[str, Any] = {
    "name": "Stärkt föräldraskap i förskolan (demo)",
    "price_year": 2024,
    "start_year": 2027,
    "horizon": 12,
    "draws": 10000,
    "seed": 2028,
    "costs": [
        {
            "actor": "kommun.socialtjanst",
            "years": [0, 1],
            "amount": 1600000,
            "description": "Utbildade gruppledare, material och lokaler (demoantagande)",
        }
    ],
    "participants": [{"year": 0, "count": 200}, {"year": 1, "count": 200}],
    "outcomes": [
        {
            "name": "Färre barnavårdsärenden",
            "cost_item": "child_welfare_case",
            "baseline_risk": {"dist": "pert", "low": 0.02, "mode": 0.04, "high": 0.06},
            "effect": {"dist": "pert", "low": 0.0, "mode": 0.15, "high": 0.30},
            "lag": 2,
            "deadweight": 0.2,
            "attribution": 0.8,
        }
    ],
}

SCENARIO_FERIEJOBB: dict[str, Any] = {
    "name": "Handledda feriejobb för unga i riskzon (demo)",
    "price_year": 2024,
    "start_year": 2027,
    "horizon": 15,
    "draws": 10000,
    "seed": 2029,
    "costs": [
        {
            "actor": "kommun.arbetsmarknad",
            "years": [0, 1],
            "amount": 2400000,
            "description": "Handledare, löner till feriearbetare och försäkringar (demoantagande)",
        }
    ],
    "participants": [{"year": 0, "count": 80}, {"year": 1, "count": 80}],
    "outcomes": [
        {
            "name": "Färre unga vuxna i utanförskap",
            "cost_item": "exclusion_year_varmdo",
            "baseline_risk": {"dist": "pert", "low": 0.10, "mode": 0.15, "high": 0.25},
            "effect": {"dist": "pert", "low": 0.0, "mode": 0.10, "high": 0.25},
            "lag": 4,
            "duration": 5,
            "persistence": 0.85,
            "deadweight": 0.35,
            "attribution": 0.7,
        }
    ],
}

SCENARIO_SOMMARLOV: dict[str, Any] = {
    "name": "Sommarlovsaktiviteter för alla barn (demo)",
    "price_year": 2024,
    "start_year": 2027,
    "horizon": 10,
    "draws": 10000,
    "seed": 2030,
    "costs": [
        {
            "actor": "kommun.kultur_fritid",
            "years": [0, 1],
            "amount": 1500000,
            "description": "Aktivitetsledare, entréer och bussresor (demoantagande)",
        }
    ],
    "participants": [{"year": 0, "count": 2000}, {"year": 1, "count": 2000}],
    "outcomes": [
        {
            "name": "Färre barnavårdsärenden",
            "cost_item": "child_welfare_case",
            "baseline_risk": 0.01,
            "effect": {"dist": "pert", "low": 0.0, "mode": 0.01, "high": 0.05},
            "lag": 1,
            "deadweight": 0.5,
            "attribution": 0.5,
        }
    ],
}

# ---------------------------------------------------------------------------
# The applications, in the order they are created.  ``target`` is the status the
# loader drives each one to, through the services, step by step.

SIGNOFF_UTB = "Förvaltningschef, Utbildningsförvaltningen"
SIGNOFF_SOC = "Förvaltningschef, Socialförvaltningen"

APPLICATIONS: list[dict[str, Any]] = [
    {
        "title": "Alla barn i skolan",
        "target": "granted",
        "applicant": "sokande",
        "lead": "Utbildningsnämnden",
        "co": ["Socialnämnden"],
        "idea": {
            "summary": (
                "Ett strukturerat arbete efter tydliga rutiner för alla elever som av oklar anledning inte "
                "går i skolan: tidig kartläggning av orsakerna till frånvaron och tidiga, relevanta "
                "insatser, "
                "så att eleven kommer tillbaka till skolan permanent."
            ),
            "target_group": (
                "Elever i grundskolan med upprepad eller långvarig ogiltig frånvaro, omkring 150 elever per "
                "år."
            ),
        },
        "full": {
            "risk_factors": (
                "Ogiltig frånvaro över 10 procent under en termin, bristande måluppfyllelse, psykisk ohälsa, "
                "oro i hemmet och tidigare orosanmälningar. Utan insats riskerar en betydande andel av "
                "eleverna att lämna skolan utan gymnasiebehörighet."
            ),
            "intervention": (
                "Ett närvaroteam med skolkurator, specialpedagog och socialsekreterare kartlägger orsakerna "
                "inom två veckor efter att frånvaron upptäckts och sätter in insatser tillsammans med elev "
                "och vårdnadshavare: anpassningar i undervisningen, stöd från elevhälsan, samordning med "
                "socialtjänsten och vid behov kontakt med barn- och ungdomspsykiatrin."
            ),
            "evidence": (
                "Arbetssättet bygger på Norrköpings kommuns projekt Alla barn i skolan, som finansierades av "
                "kommunens sociala investeringsfond, och på erfarenheter från andra kommuner av att tidig "
                "kartläggning och samverkan mellan skola och socialtjänst bryter långvarig frånvaro."
            ),
            "evidence_references": (
                "Norrköpings kommun: presentation av socialinvesteringsfonden och projektet Alla barn i "
                "skolan. "
                "Förkalkylens antaganden: examples/alla-barn-i-skolan.yaml."
            ),
            "effect_chain": (
                "Tidig kartläggning → rätt insats i tid → högre närvaro → godkända betyg och "
                "gymnasiebehörighet → fullföljd gymnasieutbildning → arbete eller studier som ung vuxen → "
                "färre år i utanförskap och färre tunga barnavårdsärenden."
            ),
            "risks": (
                "Svårt att rekrytera och behålla personal i närvaroteamet; olika rutiner mellan skolorna; "
                "att en stor del av vinsterna hamnar hos Försäkringskassan, regionen och rättsväsendet "
                "snarare än i kommunen (se förkalkylen)."
            ),
            "implementation_plan": (
                "År 1: rekrytering, gemensam kartläggningsrutin och frånvarouppföljning på alla skolor. "
                "År 2–3: full drift med närvaroteam i varje rektorsområde. Efter projekttiden beslutar "
                "nämnderna om införande i ordinarie verksamhet utifrån utvärderingen."
            ),
            "proposed_repayment": (
                "Fast återbetalningsplan: Utbildningsnämnden och Socialnämnden återför tillsammans 2,32 Mkr "
                "per år till fonden 2028–2032 genom ramminskning (5 × 2,32 Mkr = 11,6 Mkr)."
            ),
            "requested_amount": Decimal("11600000"),
            "period_start": dt.date(2025, 1, 1),
            "period_end": dt.date(2027, 12, 31),
        },
        "budget": [
            (2025, "Utbildningsnämnden", "3600000", "Uppstart: kartläggningsrutin och närvaroteam"),
            (2026, "Utbildningsnämnden", "4000000", "Drift: närvaroteam och tidiga insatser"),
            (2027, "Utbildningsnämnden", "4000000", "Drift: närvaroteam och tidiga insatser"),
        ],
        "partners": [
            {
                "name": "Barn- och ungdomspsykiatrin, Region Exempel",
                "role": "Konsultation och snabbare remissvägar",
            },
        ],
        "indicators": [
            {
                "name": "Andel elever med ogiltig frånvaro över 10 %",
                "definition": "Andel av grundskolans elever, per skola och årskurs, på gruppnivå.",
                "measured_when": "Varje termin",
            },
            {
                "name": "Andel elever i målgruppen med gymnasiebehörighet",
                "definition": "Andel av eleverna som fått insats och som når behörighet efter årskurs 9.",
                "measured_when": "Varje läsårsslut",
                "outcome_name": "Färre unga vuxna i utanförskap (20–29 år)",
            },
            {
                "name": "Nya tunga barnavårdsärenden i målgruppen",
                "definition": "Antal nya utredningar som leder till insats, på gruppnivå.",
                "measured_when": "Varje år",
                "outcome_name": "Färre tunga barnavårdsärenden",
            },
        ],
        "scenario": ("file", "alla-barn-i-skolan.yaml"),
        "calc_note": "Förkalkyl enligt examples/alla-barn-i-skolan.yaml",
        "economist_check": "Kontrollräknad av fondens ekonom: samma indata och samma resultat.",
        "signoff": SIGNOFF_UTB,
        "reviews": [
            (
                "beredare",
                [5, 4, 4, 5, 4, 5],
                "Väl avgränsad målgrupp och tydlig effektkedja. Kalkylen visar att en stor del av vinsten "
                "hamnar utanför kommunen, vilket bör följas upp.",
            ),
            (
                "beredare2",
                [4, 4, 3, 4, 5, 5],
                "Uppföljningsplanen är konkret. Metoden är prövad i Norrköping men inte utvärderad med "
                "kontrollgrupp.",
            ),
        ],
        "council": (
            3,
            "Jämförelse med elever med motsvarande frånvaro läsåren före start (historisk jämförelsegrupp) "
            "och "
            "med skolor som inför arbetssättet ett år senare (stegvis införande). Resultaten redovisas på "
            "gruppnivå.",
            "Rådet tillstyrker. Underlaget är måttligt starkt och effektantagandena i förkalkylen är "
            "försiktiga. Rådet rekommenderar att närvarodata samlas in på samma sätt före och under "
            "projektet.",
        ),
        "recommend": "Beredningsgruppen tillstyrker ansökan.",
        "decision": {
            "outcome": "granted",
            "amount": Decimal("11600000"),
            "period_start": dt.date(2025, 1, 1),
            "period_end": dt.date(2027, 12, 31),
            "decision_body": "Kommunstyrelsens arbetsutskott",
            "decided_on": dt.date(2024, 11, 20),
            "reference_number": "KS 2024/0412",
            "conditions": (
                "Rapport om närvaro och kostnader varje termin till fondens förvaltare. Efterkalkyl efter "
                "projekttiden. Återföring enligt fast plan med 2,32 Mkr per år 2028–2032."
            ),
            "reasons": (
                "Insatsen uppfyller fondens kriterier. Beredningsgruppen tillstyrker och vetenskapliga rådet "
                "bedömer underlaget som måttligt starkt."
            ),
        },
        "project_lead": "projektledare",
    },
    {
        "title": "Sommarlovsaktiviteter för alla barn",
        "target": "rejected",
        "applicant": "sokande",
        "lead": "Utbildningsnämnden",
        "co": ["Kultur- och fritidsnämnden"],
        "idea": {
            "summary": "Kostnadsfria aktiviteter under sommarlovet för alla barn i åldern 6–15 år.",
            "target_group": "Alla barn i åldern 6–15 år i kommunen, omkring 2 000 barn per sommar.",
        },
        "full": {
            "risk_factors": "Ingen särskild riskgrupp; aktiviteterna är öppna för alla.",
            "intervention": (
                "Dagliga aktiviteter under sommarlovet: idrott, bad, kultur och utflykter, med "
                "aktivitetsledare "
                "från Kultur- och fritidsförvaltningen."
            ),
            "evidence": "Positiva erfarenheter av statsbidraget för avgiftsfria sommarlovsaktiviteter.",
            "effect_chain": "Meningsfull fritid → färre konflikter under sommaren → färre orosanmälningar.",
            "risks": "Låg träffsäkerhet: de barn som behöver mest deltar minst.",
            "implementation_plan": "Två somrar, 2027 och 2028, därefter beslut i nämnderna.",
            "proposed_repayment": "Ingen återföring föreslås, eftersom besparingarna är osäkra.",
            "requested_amount": Decimal("3000000"),
            "period_start": dt.date(2027, 6, 1),
            "period_end": dt.date(2028, 8, 31),
        },
        "budget": [
            (2027, "Kultur- och fritidsnämnden", "1500000", "Aktivitetsledare, entréer och resor"),
            (2028, "Kultur- och fritidsnämnden", "1500000", "Aktivitetsledare, entréer och resor"),
        ],
        "indicators": [{"name": "Antal deltagartillfällen", "measured_when": "Efter varje sommar"}],
        "scenario": ("inline", SCENARIO_SOMMARLOV),
        "calc_note": "Förkalkyl (demoantaganden)",
        "signoff": SIGNOFF_UTB,
        "reviews": [
            (
                "beredare",
                [1, 1, 2, 3, 2, 1],
                "Generell verksamhet utan riktning mot riskgrupper. Motsvarar ett budgettillskott.",
            ),
            (
                "beredare2",
                [2, 1, 2, 3, 2, 1],
                "Kalkylen visar ingen trolig kostnadsminskning. Bör finansieras inom ordinarie budget.",
            ),
        ],
        "council": (
            1,
            "Ingen jämförelsegrupp och inga utfallsmått utöver deltagande.",
            "Rådet kan inte bedöma effekterna. Underlaget är otillräckligt för en social investering.",
        ),
        "not_recommend": (
            "Beredningsgruppen avstyrker: insatsen är generell och uppfyller inte kriteriet att inte vara "
            "ett "
            "generellt budgettillskott."
        ),
        "decision": {
            "outcome": "rejected",
            "decision_body": "Kommunstyrelsens arbetsutskott",
            "decided_on": dt.date(2026, 10, 14),
            "reference_number": "KS 2026/0187",
            "reasons": (
                "Insatsen riktar sig inte till en målgrupp med riskfaktorer och motsvarar ett generellt "
                "budgettillskott. Förkalkylen visar ingen trolig kostnadsminskning."
            ),
        },
    },
    {
        "title": "Vägen till arbete – unga vuxna med försörjningsstöd",
        "target": "returned",
        "applicant": "sokande2",
        "lead": "Socialnämnden",
        "co": ["Arbetsmarknadsnämnden"],
        "idea": {
            "summary": (
                "Individuellt stöd till arbete eller studier för unga vuxna som har försörjningsstöd, med "
                "coacher, stödd anställning och korta yrkesutbildningar."
            ),
            "target_group": "Unga vuxna 18–29 år med försörjningsstöd, 120 personer per år.",
        },
        "full": {
            "risk_factors": (
                "Ofullständiga gymnasiebetyg, långvarigt försörjningsstöd i hushållet, ohälsa och lång tid "
                "utan arbete eller studier."
            ),
            "intervention": (
                "Varje deltagare får en coach som tillsammans med Arbetsförmedlingen tar fram en plan mot "
                "arbete eller studier. Insatsen kombinerar stödd anställning enligt IPS-modellen, korta "
                "yrkesutbildningar och hjälp med ekonomi och boende."
            ),
            "evidence": (
                "IPS (Individual Placement and Support) har stöd i flera randomiserade studier för personer "
                "med "
                "psykisk ohälsa. Erfarenheterna för unga vuxna med försörjningsstöd är lovande men mer "
                "begränsade."
            ),
            "effect_chain": (
                "Coach och plan → arbete eller studier → egen försörjning → färre år med försörjningsstöd "
                "och "
                "i utanförskap."
            ),
            "risks": (
                "Konjunkturen påverkar möjligheterna till arbete; undanträngning av andra arbetssökande."
            ),
            "implementation_plan": "Två år med två intag om 120 deltagare, därefter utvärdering.",
            "proposed_repayment": "Socialnämnden återför en andel av minskat försörjningsstöd.",
            "requested_amount": Decimal("10000000"),
            "period_start": dt.date(2027, 1, 1),
            "period_end": dt.date(2028, 12, 31),
        },
        "budget": [
            (2027, "Arbetsmarknadsnämnden", "5000000", "Coacher, stödd anställning, yrkeskurser"),
            (2028, "Arbetsmarknadsnämnden", "5000000", "Coacher, stödd anställning, yrkeskurser"),
        ],
        "partners": [{"name": "Arbetsförmedlingen", "role": "Gemensam planering och arbetsmarknadsinsatser"}],
        "indicators": [
            {
                "name": "Andel deltagare i arbete eller studier",
                "measured_when": "6 och 12 månader efter avslutad insats",
                "outcome_name": "Färre hushåll med försörjningsstöd (år 1–2)",
            }
        ],
        "scenario": ("file", "ungdomsarbetsloshet.yaml", {"start_year": 2027}),
        "calc_note": "Förkalkyl enligt examples/ungdomsarbetsloshet.yaml, med start 2027",
        "signoff": SIGNOFF_SOC,
        "return_comment": (
            "Komplettera med en jämförelsegrupp och med hur Socialnämnden och Arbetsmarknadsnämnden ska "
            "dela på "
            "återföringen. Beskriv också hur deltagarna rekryteras."
        ),
    },
    {
        "title": "Tidig samordnad insats för unga i riskzon",
        "target": "in_preparation",
        "applicant": "sokande2",
        "lead": "Socialnämnden",
        "co": ["Utbildningsnämnden"],
        "idea": {
            "summary": (
                "Socialtjänst, skola och polis samordnar tidiga insatser för unga som riskerar att dras in i "
                "kriminalitet."
            ),
            "target_group": "Ungdomar 12–17 år med tidiga tecken på normbrytande beteende, 40 per år.",
        },
        "full": {
            "risk_factors": (
                "Upprepad skolfrånvaro, tidig debut i brott, kamrater i kriminella miljöer, bristande "
                "föräldrastöd."
            ),
            "intervention": (
                "Ett samordnat team med socialsekreterare, fältassistenter och skolans elevhälsa. Varje "
                "ungdom "
                "får en gemensam plan, stöd till familjen och en meningsfull fritid. Polisen deltar i "
                "samverkansmöten och delar lägesbilder."
            ),
            "evidence": (
                "Bygger på arbetssättet i sociala insatsgrupper och på forskning om att tidiga, samordnade "
                "insatser i familj och skola minskar risken för fortsatt brottslighet."
            ),
            "effect_chain": (
                "Tidig upptäckt → samordnad plan → stöd i familj och skola → färre brott och placeringar."
            ),
            "risks": "Sekretess mellan myndigheter; svårt att nå familjer som inte vill delta.",
            "implementation_plan": "Uppstart första halvåret 2027, full drift till och med 2028.",
            "proposed_repayment": "Socialnämnden återför 1 Mkr per år 2029–2033 genom ramminskning.",
            "requested_amount": Decimal("5200000"),
            "period_start": dt.date(2027, 1, 1),
            "period_end": dt.date(2028, 12, 31),
        },
        "budget": [
            (2027, "Socialnämnden", "2600000", "Samordnare, fältassistenter och familjebehandlare"),
            (2028, "Socialnämnden", "2600000", "Samordnare, fältassistenter och familjebehandlare"),
        ],
        "partners": [{"name": "Polisen, lokalpolisområde Exempelstad", "role": "Samverkan och lägesbilder"}],
        "indicators": [
            {
                "name": "Antal placeringar på HVB i målgruppen",
                "measured_when": "Varje halvår",
                "outcome_name": "Färre placeringar på HVB",
            },
            {"name": "Anmälda brott med misstänkt i åldern 12–17 år", "measured_when": "Varje år"},
        ],
        "scenario": ("inline", SCENARIO_SAMORDNAD_INSATS),
        "calc_note": "Förkalkyl (demoantaganden)",
        "signoff": SIGNOFF_SOC,
        "reviews": [
            (
                "beredare",
                [5, 4, 3, 5, 3, 4],
                "Tydlig målgrupp och bred samverkan. Jämförelsegruppen behöver beskrivas närmare.",
            ),
        ],
    },
    {
        "title": "Stärkt föräldraskap i förskolan",
        "target": "council_review",
        "applicant": "sokande2",
        "lead": "Socialnämnden",
        "co": ["Utbildningsnämnden"],
        "idea": {
            "summary": "Föräldrastödsprogram i grupp för föräldrar med barn i förskolan.",
            "target_group": "Föräldrar till barn 3–5 år i förskolor i områden med hög andel orosanmälningar.",
        },
        "full": {
            "risk_factors": "Stress i familjen, konflikter, bristande nätverk, tidigare orosanmälningar.",
            "intervention": (
                "Ett manualbaserat föräldrastödsprogram med fyra gruppträffar och en uppföljningsträff, "
                "lett av "
                "utbildade gruppledare från socialtjänsten och förskolan."
            ),
            "evidence": (
                "Manualbaserade föräldrastödsprogram har i svenska studier visat bättre samspel i familjen "
                "och "
                "färre beteendeproblem hos barnen."
            ),
            "effect_chain": (
                "Stärkt föräldraskap → tryggare barn → färre orosanmälningar och barnavårdsärenden."
            ),
            "risks": "Låg närvaro bland de föräldrar som behöver stödet mest.",
            "implementation_plan": "Fem förskoleområden 2027, utökning till tio 2028.",
            "proposed_repayment": "Socialnämnden återför 0,64 Mkr per år 2029–2033.",
            "requested_amount": Decimal("3200000"),
            "period_start": dt.date(2027, 1, 1),
            "period_end": dt.date(2028, 12, 31),
        },
        "budget": [
            (2027, "Socialnämnden", "1600000", "Gruppledare, material och lokaler"),
            (2028, "Socialnämnden", "1600000", "Gruppledare, material och lokaler"),
        ],
        "indicators": [
            {
                "name": "Orosanmälningar för barn 3–5 år i programområdena",
                "measured_when": "Varje år",
                "outcome_name": "Färre barnavårdsärenden",
            }
        ],
        "scenario": ("inline", SCENARIO_FORALDRASTOD),
        "calc_note": "Förkalkyl (demoantaganden)",
        "signoff": SIGNOFF_SOC,
        "reviews": [
            ("beredare", [4, 3, 5, 4, 4, 4], "Evidensbaserad metod med stöd i svensk forskning."),
            (
                "beredare2",
                [4, 3, 4, 4, 3, 4],
                "Rimlig kalkyl. Rekryteringen av föräldrar är den stora risken.",
            ),
        ],
    },
    {
        "title": "Handledda feriejobb för unga i riskzon",
        "target": "recommended",
        "applicant": "sokande",
        "lead": "Utbildningsnämnden",
        "co": ["Arbetsmarknadsnämnden"],
        "idea": {
            "summary": (
                "Feriejobb med en handledare för gymnasieelever som riskerar att inte fullfölja skolan."
            ),
            "target_group": "Gymnasieelever 16–19 år med hög frånvaro eller ofullständiga betyg, 80 per år.",
        },
        "full": {
            "risk_factors": "Hög frånvaro, ofullständiga betyg, ingen arbetslivserfarenhet.",
            "intervention": (
                "Fyra veckors feriejobb i kommunala verksamheter med en handledare, följt av stöd under "
                "läsåret för att fullfölja gymnasiet."
            ),
            "evidence": (
                "Studier av feriejobb för ungdomar visar bättre skolresultat och lägre brottslighet, "
                "särskilt "
                "när arbetet kombineras med handledning."
            ),
            "effect_chain": "Feriejobb och handledare → motivation → fullföljd gymnasieutbildning → arbete.",
            "risks": "Att platserna går till ungdomar utan riskfaktorer.",
            "implementation_plan": "Somrarna 2027 och 2028 med uppföljning under läsåren.",
            "proposed_repayment": "Arbetsmarknadsnämnden återför 0,96 Mkr per år 2029–2033.",
            "requested_amount": Decimal("4800000"),
            "period_start": dt.date(2027, 1, 1),
            "period_end": dt.date(2028, 12, 31),
        },
        "budget": [
            (2027, "Arbetsmarknadsnämnden", "2400000", "Handledare och löner till feriearbetare"),
            (2028, "Arbetsmarknadsnämnden", "2400000", "Handledare och löner till feriearbetare"),
        ],
        "indicators": [
            {
                "name": "Andel deltagare som fullföljer gymnasiet",
                "measured_when": "Vid läsårsslut",
                "outcome_name": "Färre unga vuxna i utanförskap",
            }
        ],
        "scenario": ("inline", SCENARIO_FERIEJOBB),
        "calc_note": "Förkalkyl (demoantaganden)",
        "signoff": SIGNOFF_UTB,
        "reviews": [
            ("beredare", [4, 3, 4, 4, 4, 4], "Tydlig målgrupp och rimliga antaganden."),
            ("beredare2", [4, 4, 3, 4, 4, 5], "Bra samverkan mellan skola och arbetsmarknad."),
        ],
        "council": (
            2,
            "Jämförelse med elever som sökt men inte fått plats (lottning vid överansökan).",
            "Rådet tillstyrker med förbehåll: underlaget är begränsat, men lottning ger en god "
            "jämförelsegrupp.",
        ),
        "recommend": "Beredningsgruppen tillstyrker ansökan.",
    },
    {
        "title": "Meningsfull fritid och läxhjälp",
        "target": "full_application",
        "applicant": "sokande",
        "lead": "Utbildningsnämnden",
        "co": ["Kultur- och fritidsnämnden"],
        "idea": {
            "summary": "Läxhjälp och ledarledda fritidsaktiviteter efter skoltid på tre skolor.",
            "target_group": "Elever i årskurs 4–9 som saknar stöd i skolarbetet hemma.",
        },
        "full": {
            "intervention": (
                "Läxhjälp med lärare och studentmentorer två eftermiddagar i veckan, följt av aktiviteter "
                "som "
                "fritidsgården leder."
            ),
            "requested_amount": Decimal("2400000"),
            "period_start": dt.date(2027, 8, 1),
            "period_end": dt.date(2029, 6, 30),
        },
        "budget": [
            (2027, "Utbildningsnämnden", "800000", "Lärare och studentmentorer"),
        ],
    },
    {
        "title": "Familjecentral i Norra Exempelstad",
        "target": "idea_submitted",
        "applicant": "sokande2",
        "lead": "Socialnämnden",
        "co": ["Region Exempel"],
        "idea": {
            "summary": (
                "En familjecentral där mödra- och barnhälsovård, öppen förskola och socialtjänstens "
                "förebyggande verksamhet finns under samma tak."
            ),
            "target_group": "Blivande föräldrar och familjer med barn 0–6 år i Norra Exempelstad.",
        },
    },
]
