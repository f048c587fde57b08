"""The provider's own payload of a calendar event, as Recall passes it on in ``raw``: a Google
Calendar ``calendar#event`` or a Microsoft Graph ``event``, with the fields Recall's schema lists."""
from __future__ import annotations

from ...core.clock import iso

ZONE = "UTC"


def raw_event(event: dict, calendar: dict) -> dict:
    if event["platform"] == "microsoft_outlook":
        return _outlook(event, calendar)
    return _google(event, calendar)


def _email(name: str) -> str:
    return name.lower().replace(" ", ".").replace("'", "") + "@example.com"


def _when(at: float) -> dict:
    return {"dateTime": iso(at), "timeZone": ZONE}


def _google(event: dict, calendar: dict) -> dict:
    owner = calendar["platform_email"] or calendar["oauth_email"] or "user@example.com"
    organizer = {"email": _email(event["organizer"]), "displayName": event["organizer"]}
    return {
        "id": event["platform_id"], "etag": f"\"{int(event['updated_at'] * 1000)}\"", "kind": "calendar#event",
        "start": _when(event["start_time"]), "end": _when(event["end_time"]),
        "status": "cancelled" if event["is_deleted"] else "confirmed",
        "created": iso(event["created_at"]), "updated": iso(event["updated_at"]), "creator": organizer,
        "iCalUID": event["ical_uid"], "summary": event["title"],
        "htmlLink": f"https://www.google.com/calendar/event?eid={event['platform_id']}",
        "sequence": 0, "eventType": "default", "organizer": organizer, "reminders": {"useDefault": True},
        "attendees": [{**organizer, "organizer": True, "responseStatus": "accepted"},
                      {"email": owner, "self": True, "responseStatus": "accepted"}],
        "recurringEventId": "", "originalStartTime": _when(event["start_time"]),
    }  # Recall's schema of the Google payload admits no other keys (no location or hangoutLink)


def _outlook(event: dict, calendar: dict) -> dict:
    owner = calendar["platform_email"] or calendar["oauth_email"] or "user@example.com"
    stamp = iso(event["updated_at"])
    url = event["meeting_url"]
    return {
        "@odata.etag": f"W/\"{event['platform_id'][:16]}\"", "@odata.type": "#microsoft.graph.event",
        "id": event["platform_id"], "uid": event["ical_uid"], "iCalUId": event["ical_uid"],
        "subject": event["title"], "bodyPreview": url or "", "body": {"content": url or "", "contentType": "html"},
        "type": "singleInstance", "start": _when(event["start_time"]), "end": _when(event["end_time"]),
        "showAs": "busy", "webLink": f"https://outlook.office365.com/owa/?itemid={event['platform_id']}",
        "isAllDay": False, "importance": "normal", "recurrence": None, "isCancelled": event["is_deleted"],
        "isOrganizer": False, "sensitivity": "normal", "isReminderOn": True, "hideAttendees": False,
        "transactionId": event["id"], "hasAttachments": False, "seriesMasterId": "",
        "responseStatus": {"response": "accepted", "time": stamp}, "createdDateTime": iso(event["created_at"]),
        "lastModifiedDateTime": stamp, "responseRequested": True, "originalEndTimeZone": ZONE,
        "originalStartTimeZone": ZONE, "reminderMinutesBeforeStart": 15,
        "onlineMeetingProvider": "teamsForBusiness" if url and "teams." in url else "unknown",
        "isOnlineMeeting": bool(url), "onlineMeetingUrl": url,
        "organizer": {"emailAddress": {"name": event["organizer"], "address": _email(event["organizer"])}},
        "attendees": [{"type": "required", "status": {"response": "accepted", "time": stamp},
                       "emailAddress": {"name": owner.split("@")[0], "address": owner}}],
    }
