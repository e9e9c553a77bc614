"""The Settings page: windows, caps, capacity, region (R5, R14) and cadences."""

from __future__ import annotations

from typing import Any

from conftest import Pages

SETTINGS = {
    "business_hours": "mon-fri 09:00-17:30",
    "personal_hours": "mon-sat 09:00-20:00",
    "skip_holidays": "yes",
    "max_calls_per_week": "7",
    "voicemail_gap": "3d",
    "max_touches_per_week": "10",
    "daily_capacity": "50",
    "collections_quiet": "7d",
    "search_days": "28",
    "default_region": "",
}


def save(pages: Pages, who: str, **changes: str) -> Any:
    return pages.post(who, "/settings", {**SETTINGS, **changes})


def test_the_settings_show_the_product_defaults(pages: Pages) -> None:
    page = pages.get("rita", "/settings").text
    assert 'value="mon-fri 09:00-17:30"' in page and 'value="mon-sat 09:00-20:00"' in page
    assert 'name="daily_capacity" value="50"' in page
    assert "Only owners and admins change these" in page


def test_an_owner_saves_settings_and_today_follows_the_capacity(pages: Pages) -> None:
    for name in ("Ana Lima", "Ben Ode", "Cy Park"):
        pages.team.add_contact(full_name=name)
    assert pages.get("rita", "/").text.count('class="plan-item card') == 3

    response = save(pages, "olivia", daily_capacity="2", default_region="de",
                    business_hours="mon-fri 08:30-12:00; mon-fri 13:00-18:00")  # fmt: skip

    assert response.status_code == 303
    page = pages.get("olivia", "/settings").text
    assert 'name="daily_capacity" value="2"' in page and 'value="DE"' in page
    assert 'value="mon-fri 08:30-12:00; mon-fri 13:00-18:00"' in page
    today = pages.get("rita", "/").text
    assert today.count('class="plan-item card') == 2
    assert "1 more due, rolled forward" in today  # R18: never dropped silently


def test_the_default_region_reads_numbers_without_a_country_code(pages: Pages) -> None:
    save(pages, "olivia", default_region="DE")
    alice = pages.team.add_contact()  # +1 number: unaffected
    pages.post(
        "rita", f"/contacts/{alice['id']}/edit",
        {"full_name": "Alice Moreno", "phones": "030 12345678", "reason": "a referral"},
    )  # fmt: skip
    saved = pages.team.api("olivia", "GET", f"/contacts/{alice['id']}").json()
    assert saved["phones"][0]["e164"] == "+493012345678"


def test_a_bad_value_is_refused_with_the_field_named(pages: Pages) -> None:
    response = save(pages, "olivia", business_hours="weekdays nine to five")
    assert response.status_code == 422
    assert "business_hours" in response.text and "mon-fri 09:00-17:30" in response.text
    response = save(pages, "olivia", daily_capacity="0")
    assert response.status_code == 422 and "daily_capacity: must be at least 1" in response.text
    response = save(pages, "olivia", default_region="XX")
    assert response.status_code == 422 and "region code" in response.text


def test_a_rep_may_not_change_settings_403(pages: Pages) -> None:
    assert save(pages, "rita", daily_capacity="3").status_code == 403
    assert pages.post("rita", "/settings/cadences", {"definition": "key: x"}).status_code == 403
    assert 'name="daily_capacity" value="50"' in pages.get("olivia", "/settings").text


def test_cadences_are_saved_as_yaml_and_assigned_to_segments(pages: Pages) -> None:
    page = pages.get("olivia", "/settings").text
    assert "<strong>default</strong>" in page and "first_wait: 3d" in page
    definition = page.split('name="definition"', 1)[1].split(">", 1)[1].split("</textarea>")[0]
    gentle = definition.replace("key: default", "key: gentle").replace("&#39;", "'")

    saved = pages.post("olivia", "/settings/cadences", {"definition": gentle})
    assignment = {"segment": "dental", "cadence": "gentle"}
    assigned = pages.post("olivia", "/settings/segments", assignment)

    assert saved.status_code == assigned.status_code == 303
    page = pages.get("olivia", "/settings").text
    assert "Segment &#39;dental&#39; follows &#39;gentle&#39;" in page
    assert "<strong>gentle</strong>" in page and "dental → gentle" in page


def test_a_broken_cadence_is_not_saved(pages: Pages) -> None:
    pages.post("olivia", "/settings/cadences", {"definition": "key: [unclosed"})
    assert "Not saved" in pages.get("olivia", "/settings").text


def test_an_owner_switches_a_rep_off_and_on_from_the_team_section(pages: Pages) -> None:
    assert pages.get("rita", "/").status_code == 200  # rita signed in
    team = pages.get("olivia", "/settings").text
    assert 'action="/settings/users/rita/active"' in team
    assert 'action="/settings/users/olivia/active"' not in team  # never yourself
    assert 'id="team"' not in pages.get("rita", "/settings").text  # reps: no team section

    off = pages.post("olivia", "/settings/users/rita/active", {"active": "no"})

    assert off.status_code == 303
    assert "rita is deactivated" in pages.get("olivia", "/settings").text
    signed_out = pages.get("rita", "/", follow_redirects=False)
    assert signed_out.status_code == 303 and "/login" in signed_out.headers["location"]
    assert pages.post("ravi", "/settings/users/rita/active", {"active": "yes"}).status_code == 403
    assert (
        pages.post("olivia", "/settings/users/olivia/active", {"active": "no"}).status_code == 403
    )
    pages.post("olivia", "/settings/users/rita/active", {"active": "yes"})
    assert "rita is active again" in pages.get("olivia", "/settings").text
