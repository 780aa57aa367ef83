"""Specification: furniture lines in French and German, disclaimers and caption credits are
recognised by their wording; prose that starts with the same words stays."""

from __future__ import annotations

import pytest

from pipeline.extract.junk import is_boilerplate_line, remove_boilerplate_lines


@pytest.mark.parametrize(
    "line",
    [
        "Pour lire la suite",
        "et accéder gratuitement à 3 articles par mois,",
        "créez votre compte",
        "Pour accéder en illimité",
        "Déjà abonné ? Connectez-vous",
        "Lust auf mehr?",
        "Gefällt dir unser Magazin? Dann unterstütze uns.",
        "Les opinions exprimées dans ce blog n'engagent que leurs auteurs.",
        "Der Beitrag gibt die Meinung des Autors wieder, nicht die der Redaktion.",
        "The views expressed here are those of the author.",
        "Mara Quint, photo: Archives de la ville",
        "Titelbild: Hafenamt",
        "Harbour Office/Getty Images",
        "8 hours ago",
        "vor 3 Stunden",
        "il y a 2 heures",
        "21 mins ago11:48",
        "Get the latest election news to your phone Join us on WhatsApp",
        "Folgst du schon dem Hafenblatt auf Whatsapp?",
        "23. 12. 2024 13:31",
        "Personen-Box aufklappen Personen-Box zuklappen",
        "Ein Klick für den Datenschutz",
        "Quelle: AFP",
        "Show more",
        "Pro Stunde werden dort 45 Schweine geschlachtet. Bildrechte: MDR/Jo Doe",
        "mit Video",
        "01:00 min",
        "https://www.harbour-gazette.example/video-pier100.html",
    ],
)
def test_furniture_lines_are_recognised(line: str) -> None:
    assert is_boilerplate_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "Accéder à la propriété reste difficile pour les jeunes ménages de la ville.",
        "Continuer à croire au projet, dit-elle, est devenu un acte de foi.",
        "Eight hours ago the harbour master closed the pier to all traffic.",
        "The photo, she said, showed the pier a day before it collapsed.",
        "Sie wohnt seit 2. 3. 2020 in Prag und arbeitet dort als Lehrerin.",
        "Follow us on the road as we travel through Texas, where every farmer uses WhatsApp.",
        "Die Polizei konnte den Koffer nicht aufklappen, weil er verschlossen war.",
        "Quelle: Das Statistische Bundesamt meldete am Montag, dass die Preise stiegen.",
        "Das Foto zeigt den Hafen: Er ist leer.",
    ],
)
def test_prose_that_opens_with_the_same_words_stays(line: str) -> None:
    assert not is_boilerplate_line(line)


@pytest.mark.parametrize(
    "heading", ["関連記事", "【関連記事】", "あわせて読みたい", "관련기사", "相关新闻"]
)
def test_cjk_teaser_list_headings_are_recirculation_headings(heading: str) -> None:
    from pipeline.extract.junk import is_recirculation_heading

    assert is_recirculation_heading(heading)


@pytest.mark.parametrize("label", ["シェア", "ブックマーク", "공유", "分享"])
def test_cjk_share_widget_labels_are_furniture(label: str) -> None:
    assert is_boilerplate_line(label)


@pytest.mark.parametrize(
    "line",
    [
        "09:12, Tue, Mar 4, 2025 | UPDATED: 09:40, Tue, Mar 4, 2025",
        "Stand: 14.02.2025 07:30 Uhr",
        "3 minute readMarch 4, 20259:12 AM GMT+1Last Updated 2 min ago",
        "Mi 12.03.2025 18:05Uhr 02:30 min",
        "Tue, Mar 4, 2025 page3",
    ],
)
def test_a_line_of_only_date_time_and_stamp_words_is_a_stamp(line: str) -> None:
    assert is_boilerplate_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "On March 4 the ferry left at 09:12, an hour late.",
        "Harbour 2025",
        "Thursday, 12:30: the council votes on the pier",
    ],
)
def test_a_line_that_says_what_happened_when_is_no_stamp(line: str) -> None:
    assert not is_boilerplate_line(line)


def test_a_caption_ending_with_its_copyright_credit_is_furniture() -> None:
    assert is_boilerplate_line("The head teacher greeted only 14 of 75 pupils © Harbour School")
    assert not is_boilerplate_line("The © sign was missing from the harbour map, he said.")


@pytest.mark.parametrize(
    "line", ["Czytaj więcej", "Przeczytaj też", "Pozostało jeszcze 89% artykułu", "Čtěte také"]
)
def test_read_more_labels_and_paywall_counters_in_polish_and_czech(line: str) -> None:
    assert is_boilerplate_line(line)


@pytest.mark.parametrize(
    "text",
    [
        "the port's investors(öffnet im neuen Fenster) , who",
        "the port's investors (opens in a new window), who",
        "the port's investors (s'ouvre dans un nouvel onglet), who",
    ],
)
def test_new_window_notes_of_accessible_links_are_cut(text: str) -> None:
    assert "(" not in remove_boilerplate_lines(text)
    assert remove_boilerplate_lines(text).startswith("the port's investors")


@pytest.mark.parametrize(
    "heading", ["ABOUT THE AUTHOR", "Über den Autor", "Zur Person", "À propos de l'auteur"]
)
def test_the_writers_bio_box_heading_is_furniture(heading: str) -> None:
    from pipeline.extract.junk import is_recirculation_heading

    assert is_recirculation_heading(heading)


@pytest.mark.parametrize(
    "names", ["Article_elementPoll__0I_DP", "reader-survey", "umfrage-box", "authorprofile"]
)
def test_polls_and_author_profiles_are_named_furniture(names: str) -> None:
    from pipeline.extract.purpose import Purpose, purpose_of_names

    assert purpose_of_names((names, None, None, None, None, None)) is Purpose.BOILERPLATE


def test_a_poll_in_the_story_leaves_the_body() -> None:
    from pipeline.extract import extract

    prose = (
        "<p>The harbour council voted on Thursday to close the old ferry pier for repairs, "
        "after engineers found that two of its supports had rusted through completely.</p>"
        "<p>Repairs are expected to take eight months and to cost about four million, most "
        "of it paid from the port's reserve fund, the council's treasurer said.</p>"
    )
    poll = (
        "<div class='article-poll'><p>Should the pier be rebuilt in stone?</p>"
        "<label><input type='radio'><span>Yes, certainly.</span></label>"
        "<label><input type='radio'><span>No, too costly.</span></label></div>"
    )
    page = extract(f"<html><body><article>{prose}{poll}</article></body></html>", "")
    assert "Should the pier" not in page.body and "Yes, certainly" not in page.body


def test_a_video_teaser_caption_ending_with_date_and_duration_is_furniture() -> None:
    assert is_boilerplate_line(
        "The harbour council closed the old pier after a storm. 18.04.2024 | 0:21 min"
    )
    assert not is_boilerplate_line("The ferry left at 0:21 on 18.04.2024, the council said.")


@pytest.mark.parametrize("line", ["初割ですべての記事が読み放題", "有料会員が2カ月無料"])
def test_japanese_paywall_prompts_are_furniture(line: str) -> None:
    assert is_boilerplate_line(line)


def test_japanese_related_headings_are_recirculation_headings() -> None:
    from pipeline.extract.junk import is_recirculation_heading

    assert is_recirculation_heading("関連企業・業界")


@pytest.mark.parametrize("line", ["à 08:01Mis à jour le 18 juil. 2024 à 09:06", "včera 14:40"])
def test_stamps_with_abbreviated_french_months_and_relative_days(line: str) -> None:
    assert is_boilerplate_line(line)


def test_a_rights_credit_and_a_long_led_messenger_prompt_are_furniture() -> None:
    assert is_boilerplate_line("Rechte: HAFENFUNK")
    assert is_boilerplate_line(
        "Morning and evening news, surprising stories and breaking news: Abonniere den "
        "Whatsapp-Kanal der Zeitung und du bekommst regelmässige Updates."
    )


@pytest.mark.parametrize(
    "line", ["(Credit: Jane Doe / Harbour Gazette)", "(Alle Angaben ohne Gewähr)"]
)
def test_a_furniture_line_in_brackets_is_furniture(line: str) -> None:
    assert is_boilerplate_line(line)


def test_a_bracketed_remark_of_the_story_stays() -> None:
    assert not is_boilerplate_line("(The council did not answer our questions by Friday.)")
