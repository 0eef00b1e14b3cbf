"""The demo programme: its projects and their events (fixed, not random)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

PROGRAMME = "Nordic Council of Ministers: co-operation with North-West Russia"
FUNDER = "Nordic Council of Ministers"

PROJECT_COLUMNS = (
    "project_id", "project_name", "programme", "funder", "lead_organisation",
    "start_date", "end_date", "participant_target",
)
EVENT_COLUMNS = (
    "event_id", "project_id", "title", "start_date", "end_date", "city", "country_code",
    "format", "event_kind",
)


@dataclass(frozen=True)
class Project:
    project_id: str
    project_name: str
    lead_organisation: str
    lead_country: str  # online events of the project carry this country
    start_date: date
    end_date: date
    participant_target: int


@dataclass(frozen=True)
class Event:
    event_id: str
    project_id: str
    title: str
    start_date: date
    end_date: date
    city: str  # empty for online events
    country_code: str  # online events: the lead organisation's country
    format: str  # in_person | online | hybrid
    event_kind: str  # public_event | joint_action

    @property
    def is_online(self) -> bool:
        return self.format == "online"


PROJECTS: tuple[Project, ...] = (
    Project(
        project_id="JC",
        project_name="Joining Creativity",
        lead_organisation="Karelian Resource Center of NGOs (КРЦОО), Petrozavodsk",
        lead_country="RU",
        start_date=date(2016, 2, 1),
        end_date=date(2017, 4, 30),
        participant_target=200,
    ),
    Project(
        project_id="NB-CCI",
        project_name="Nordic–Barents creative mobility (synthetic)",
        lead_organisation="Barents Creative Hub (synthetic), Kirkenes",
        lead_country="NO",
        start_date=date(2016, 5, 1),
        end_date=date(2017, 6, 30),
        participant_target=50,
    ),
)


def _event(event_id, project_id, title, start, end, city, country, fmt, kind) -> Event:
    return Event(event_id, project_id, title, start, end or start, city, country, fmt, kind)


D = date
EVENTS: tuple[Event, ...] = (
    _event("JC-E01", "JC", "Kick-off seminar: creative industries without borders",
           D(2016, 2, 25), None, "Petrozavodsk", "RU", "in_person", "public_event"),
    _event("JC-E02", "JC", "Round table on Nordic–Russian cooperation in creative industries, Arkhangelsk",
           D(2016, 4, 12), None, "Arkhangelsk", "RU", "in_person", "joint_action"),
    _event("JC-E03", "JC", "Webinar: going international with a creative business",
           D(2016, 5, 18), None, "", "RU", "online", "public_event"),
    _event("JC-E04", "JC", "Round table on creative partnerships across the North, Reykjavík",
           D(2016, 6, 7), None, "Reykjavík", "IS", "in_person", "joint_action"),
    _event("JC-E05", "JC", "Seminar: creative industries in the Arctic",
           D(2016, 8, 24), None, "Murmansk", "RU", "in_person", "public_event"),
    _event("JC-E06", "JC", "Study trip to Finland and Sweden: Helsinki",
           D(2016, 9, 19), D(2016, 9, 21), "Helsinki", "FI", "in_person", "joint_action"),
    _event("JC-E07", "JC", "Study trip to Finland and Sweden: Stockholm",
           D(2016, 9, 22), D(2016, 9, 23), "Stockholm", "SE", "in_person", "joint_action"),
    _event("JC-E08", "JC", "B2B matchmaking for creative companies",
           D(2016, 10, 20), None, "St Petersburg", "RU", "in_person", "joint_action"),
    _event("JC-E09", "JC", "Workshop: design and digital services for export",
           D(2016, 11, 16), None, "Tallinn", "EE", "in_person", "public_event"),
    _event("JC-E10", "JC", "Design thinking workshop",
           D(2016, 12, 8), None, "Petrozavodsk", "RU", "hybrid", "public_event"),
    _event("JC-E11", "JC", "Closing conference: Joining Creativity",
           D(2017, 2, 16), D(2017, 2, 17), "Petrozavodsk", "RU", "in_person", "public_event"),
    _event("JC-E12", "JC", "Results webinar for Nordic and Baltic partners",
           D(2017, 4, 12), None, "", "RU", "online", "public_event"),
    _event("NB-CCI-E01", "NB-CCI", "Barents creative mobility kick-off",
           D(2016, 6, 15), D(2016, 6, 16), "Kirkenes", "NO", "in_person", "joint_action"),
    _event("NB-CCI-E02", "NB-CCI", "Artist residency exchange seminar",
           D(2016, 10, 5), None, "Rovaniemi", "FI", "in_person", "public_event"),
    _event("NB-CCI-E03", "NB-CCI", "Creative mobility forum",
           D(2017, 3, 22), None, "Murmansk", "RU", "in_person", "public_event"),
    _event("NB-CCI-E04", "NB-CCI", "Online mobility clinic",
           D(2017, 5, 17), None, "", "NO", "online", "public_event"),
)

EVENTS_BY_ID: dict[str, Event] = {event.event_id: event for event in EVENTS}
PROJECTS_BY_ID: dict[str, Project] = {project.project_id: project for project in PROJECTS}

# The study trip's two legs: a Russian delegation travels both, local hosts join one.
STUDY_TRIP_LEGS = ("JC-E06", "JC-E07")


def project_rows() -> list[list[str]]:
    return [
        [p.project_id, p.project_name, PROGRAMME, FUNDER, p.lead_organisation,
         p.start_date.isoformat(), p.end_date.isoformat(), str(p.participant_target)]
        for p in PROJECTS
    ]


def event_rows() -> list[list[str]]:
    return [
        [e.event_id, e.project_id, e.title, e.start_date.isoformat(), e.end_date.isoformat(), e.city,
         e.country_code, e.format, e.event_kind]
        for e in EVENTS
    ]
