"""Rebuild guidelines/legal-disclaimers.pdf and guidelines/channel-guide-social.docx from the
inline content below, so the binary brand-book files can be reviewed as text and regenerated."""

import io
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from fpdf import FPDF
from fpdf.enums import XPos, YPos

GUIDELINES_DIR = Path(__file__).resolve().parent.parent / "guidelines"
PDF_PATH = GUIDELINES_DIR / "legal-disclaimers.pdf"
DOCX_PATH = GUIDELINES_DIR / "channel-guide-social.docx"

# Fixed timestamp so that rebuilding gives identical files.
BUILD_DATE = datetime(2026, 3, 4, 9, 0, 0, tzinfo=UTC)
AUTHOR = "Tidewell Brand and Communications"


class Bullet(str):
    """A bulleted list item."""


class Verbatim(str):
    """Text to copy exactly: a required disclaimer or a sample post. Newlines are kept."""


@dataclass(frozen=True)
class Section:
    """A heading (level 1 or 2) followed by its body: paragraphs, bullets, and verbatim text."""

    level: int
    heading: str
    body: tuple[str, ...] = ()


@dataclass(frozen=True)
class BrandDoc:
    title: str
    subject: str
    intro: tuple[str, ...]
    sections: tuple[Section, ...]


# --------------------------------------------------------------------------------------------
# Content: legal disclaimers (PDF)
# --------------------------------------------------------------------------------------------

FREE_TRIAL_DISCLAIMER = "Free trial: 30 days, no credit card required. Terms apply: tidewell.example/terms."
SECURITY_DISCLAIMER = (
    "No backup or security product can stop every attack. Tidewell Vault protects stored "
    "backups from being changed or deleted during the retention period you set. It does not "
    "protect the devices or networks the backups come from. Details: tidewell.example/security."
)
PRICING_DISCLAIMER = "Prices in USD, excluding tax. Current prices: tidewell.example/pricing."
FORWARD_LOOKING_DISCLAIMER = (
    "This describes features we plan to build. Plans can change, and dates are estimates, not "
    "commitments. Please make purchasing decisions based on features available today."
)
RESULTS_DISCLAIMER = "Individual results vary."
INCENTIVE_DISCLAIMER = "This customer received [incentive] from Tidewell for sharing their experience."
TRADEMARK_NOTICE = (
    "Tidewell, Tidewell Backup, Tidewell Vault, and Tidewell Restore are trademarks of "
    "Tidewell, Inc. Other names may be trademarks of their respective owners."
)
RESTORE_TIME_QUALIFIER = "Restore time depends on the amount of data and the connection speed."

LEGAL_DOC = BrandDoc(
    title="Tidewell legal disclaimers",
    subject="Required disclaimers for Tidewell marketing, social, email, and blog content",
    intro=(
        "Version 1.0, effective March 4, 2026. Owner: Tidewell Legal (legal@tidewell.example).",
        "This document lists the disclaimers that Tidewell content must carry and the rules "
        "behind them. Copy each required text word for word. Don't shorten, translate, or "
        "reword it without written approval from Legal. Product and plan names follow "
        "product-names-and-terminology.md.",
    ),
    sections=(
        Section(
            1,
            "How to use this document",
            (
                "Each topic below says when a disclaimer is required, gives the required text, and "
                "says where it goes. If one piece of content triggers several disclaimers, include "
                "all of them, in the order they appear in this document.",
                "Disclaimers apply to promotional and public content: LinkedIn, X (Twitter), our "
                "community Slack, customer emails and newsletters, blog posts, landing pages, ads, "
                "webinars, and press releases. Internal Slack announcements are exempt unless they "
                "will be forwarded to customers.",
                "Placement by channel:",
                Bullet("LinkedIn: at the end of the post, after the call to action and before the hashtags."),
                Bullet("X (Twitter): in the same post as the claim, never in a reply or a later post of a thread."),
                Bullet("Community Slack: at the end of the message."),
                Bullet("Email: directly below the call to action that triggers it, and again in the legal footer."),
                Bullet("Blog: at the end of the post, above the author bio."),
                "Disclaimers use the same font size as the body text. Never put them in an image, "
                "in a collapsed section, or in a color that is hard to read.",
            ),
        ),
        Section(
            1,
            "Free-trial disclaimer",
            (
                "Every promotional post or message that mentions the free trial must carry the "
                'free-trial disclaimer. This includes any use of the words "free trial" or '
                'phrases such as "try it free" and "start your trial", and any link whose '
                "main purpose is to start a trial.",
                "Required text:",
                Verbatim(FREE_TRIAL_DISCLAIMER),
            ),
        ),
        Section(
            2,
            "Rules for trial claims",
            (
                Bullet('The trial lasts 30 days. Write "30-day free trial": numeral, hyphen, lowercase "free trial".'),
                Bullet("The trial includes every feature of the Business plan, including Tidewell Vault."),
                Bullet(
                    "No credit card is needed to start. When the trial ends, the account pauses "
                    "until the customer chooses a plan. We never charge automatically at the "
                    'end of a trial, so don\'t write "cancel anytime" about the trial.'
                ),
                Bullet(
                    'Never describe the trial as a plan, and never write "free forever", '
                    '"free plan", or "free" on its own to describe Tidewell products.'
                ),
                Bullet(
                    "Don't change the trial length for a campaign without a written offer "
                    "approved by Legal. Extended offers carry their own disclaimer."
                ),
            ),
        ),
        Section(
            1,
            "Security claims disclaimer",
            (
                "Security claims are where marketing language most often turns into a legal risk. "
                "Describe what a feature does. Never promise an outcome.",
                "The security claims disclaimer is required whenever content says "
                '"ransomware-proof", describes protection against ransomware or other attacks, '
                "or says that backups are immutable or can't be deleted.",
                "Required text:",
                Verbatim(SECURITY_DISCLAIMER),
            ),
        ),
        Section(
            2,
            "Claims we can make",
            (
                Bullet(
                    "Tidewell Backup encrypts files with AES-256 encryption at rest and TLS 1.2 or later in transit."
                ),
                Bullet(
                    "Tidewell Vault keeps backups immutable: nobody, including an admin, can "
                    "change or delete them until the retention period ends."
                ),
                Bullet(
                    "Tidewell Vault is ransomware-proof as a storage tier: ransomware can't "
                    "encrypt or delete the backups stored there. Always add the security claims "
                    "disclaimer."
                ),
                Bullet(
                    "Certifications and audits: name only those listed on "
                    "tidewell.example/trust on the day of publishing."
                ),
            ),
        ),
        Section(
            2,
            "Claims we never make",
            (
                Bullet(
                    'That data, devices, or a business are "100% secure", "unhackable", or '
                    'protected by "military-grade" encryption.'
                ),
                Bullet(
                    'That we "guarantee" security, uptime, or recovery. Uptime commitments '
                    "are described only by linking to the service level agreement at "
                    "tidewell.example/sla."
                ),
                Bullet(
                    "That Tidewell Vault, or any Tidewell product, prevents ransomware attacks. "
                    "It protects backups, not devices."
                ),
                Bullet(
                    "Restore times without a qualifier. Any restore time must be followed by: "
                    '"' + RESTORE_TIME_QUALIFIER + '"'
                ),
                Bullet(
                    "Details of a customer's security incident, or the customer's name, without "
                    "written consent for that specific story."
                ),
            ),
        ),
        Section(
            1,
            "Pricing disclaimer",
            (
                "The pricing disclaimer is required in any content that states a price, a "
                "discount, a saving, or a price comparison between plans.",
                "Required text:",
                Verbatim(PRICING_DISCLAIMER),
            ),
        ),
        Section(
            2,
            "Rules for prices and offers",
            (
                Bullet(
                    "Quote prices exactly as they appear on tidewell.example/pricing on the day "
                    "of publishing, per device per month."
                ),
                Bullet("Say whether a price is billed monthly or annually."),
                Bullet('Every discount needs an end date, written like "March 31, 2026".'),
                Bullet('Describe our prices as "affordable", never "cheap". Never call a paid plan "free".'),
                Bullet("Don't compare our prices with a named competitor's without Legal review."),
            ),
        ),
        Section(
            1,
            "Forward-looking statements",
            (
                "Roadmap posts, previews, betas, and any mention of a feature, integration, or "
                "date that is not yet generally available must carry the forward-looking "
                'statement. Phrases that trigger it include "coming soon", "later this year", '
                '"we\'re working on", and "on our roadmap".',
                "Required text:",
                Verbatim(FORWARD_LOOKING_DISCLAIMER),
            ),
        ),
        Section(
            2,
            "Rules for roadmap announcements",
            (
                Bullet(
                    'Give timing as a quarter or a half year ("in the second half of 2026"), '
                    "never a specific day, until the release date is final."
                ),
                Bullet(
                    'Label beta features "(beta)" after the feature name at first mention, and '
                    "say which plans can join the beta."
                ),
                Bullet("Don't describe unreleased features in sales emails or pricing pages."),
                Bullet('Don\'t use the words "guarantee" or "promise" about future features.'),
            ),
        ),
        Section(
            1,
            "Customer quotes and testimonials",
            (
                "Customer stories are some of our best content. They also involve another "
                "company's reputation, so they need care and a paper trail.",
            ),
        ),
        Section(
            2,
            "Consent",
            (
                Bullet(
                    "Get written consent on the customer reference form before publishing any "
                    "quote, logo, name, photo, or case study. Legal keeps the signed forms in "
                    "the reference tracker."
                ),
                Bullet(
                    "The customer approves the final wording and the exact name, job title, "
                    "company name, and photo that appear next to the quote."
                ),
                Bullet("Consent lasts 24 months from signing. Renew it or remove the quote."),
                Bullet(
                    "If a customer withdraws consent, remove the quote from everything we "
                    "control within 5 business days."
                ),
                Bullet("A customer's logo needs separate permission from the customer's quote."),
            ),
        ),
        Section(
            2,
            "Editing quotes",
            (
                Bullet(
                    "Don't change a quote's meaning. You may fix typos and trim words; mark "
                    "each cut with an ellipsis (...)."
                ),
                Bullet("Never combine quotes from different people or different conversations."),
                Bullet(
                    "Never publish invented, paraphrased, or AI-generated testimonials, or "
                    "quotes from staff, friends, or family presented as customers."
                ),
            ),
        ),
        Section(
            2,
            "Required text for testimonials",
            (
                "Any quote that names a specific result, such as time or money saved, must be followed by:",
                Verbatim(RESULTS_DISCLAIMER),
                "If the customer received anything of value for the testimonial (a discount, a "
                "gift card, or free months), add this, with the incentive filled in:",
                Verbatim(INCENTIVE_DISCLAIMER),
            ),
        ),
        Section(
            1,
            "Trademark usage",
            (
                "The trademark notice is required in the legal footer of customer emails and "
                "newsletters, at the end of blog posts, and in PDFs, ebooks, and press releases. "
                "It is not required in social posts or Slack messages.",
                "Required text:",
                Verbatim(TRADEMARK_NOTICE),
            ),
        ),
        Section(
            2,
            "Our marks",
            (
                Bullet(
                    "Write our marks exactly as defined in product-names-and-terminology.md: "
                    "Tidewell, Tidewell Backup, Tidewell Vault, Tidewell Restore."
                ),
                Bullet("Don't add TM or (R) symbols in running text. The trademark notice covers our marks."),
                Bullet("Don't change, stretch, recolor, or animate the Tidewell logo."),
                Bullet(
                    'Resellers and managed service providers may call themselves a "Tidewell '
                    'partner". Only members of the partner program may say "Tidewell '
                    'certified".'
                ),
            ),
        ),
        Section(
            2,
            "Other companies' marks",
            (
                Bullet(
                    "Spell other companies' product names the way they do: Microsoft 365, "
                    "Google Workspace, Amazon Web Services (AWS), macOS, Windows Server."
                ),
                Bullet(
                    'Say "works with" only for integrations that exist today. Never suggest a '
                    "partnership or endorsement without a signed agreement."
                ),
                Bullet("Don't use another company's logo without its written permission."),
            ),
        ),
        Section(
            1,
            "Approvals and questions",
            (
                "Send these to Legal (legal@tidewell.example) before publishing: a new type of "
                "claim, a comparison with a named competitor, a press release, any mention of a "
                "lawsuit or regulator, and any public write-up of a security incident.",
                "Allow 3 business days for review. For incident updates, the on-call "
                "communications lead may publish first and send the text to Legal within 24 hours.",
            ),
        ),
    ),
)

# --------------------------------------------------------------------------------------------
# Content: social channel guide (DOCX)
# --------------------------------------------------------------------------------------------

LINKEDIN_EXAMPLE = (
    "Losing a laptop shouldn't mean losing a week of work.\n"
    "\n"
    "Starting today, Tidewell Restore can bring back a whole laptop, not only single files. "
    "Choose the lost device, pick a restore point, select the new laptop, and click Restore. "
    "Files, folders, and settings come back together.\n"
    "\n"
    "Whole-laptop restore is part of every plan: Starter, Team, and Business. " + RESTORE_TIME_QUALIFIER + "\n"
    "\n"
    "See how it works, or start a 30-day free trial: https://tidewell.example/restore\n"
    "\n" + FREE_TRIAL_DISCLAIMER + "\n"
    "\n"
    "#CloudBackup #SmallBusiness #ITAdmin"
)
X_EXAMPLE = (
    "Tidewell Restore can now bring back a whole laptop, not only single files. On every plan. "
    "Start a 30-day free trial: https://tidewell.example/restore #CloudBackup\n"
    "\n" + FREE_TRIAL_DISCLAIMER
)
X_INCIDENT_EXAMPLE = (
    "We're investigating failed backups on some Windows servers since 14:20 UTC. Existing "
    "backups and restores are not affected. Next update by 15:00 UTC: "
    "https://status.tidewell.example"
)
SLACK_COMMUNITY_EXAMPLE = (
    "*Whole-laptop restore is live in Tidewell Restore* :tada:\n"
    "You can now restore an entire laptop to a new device from the admin console, on every "
    "plan. How-to guide: https://tidewell.example/docs/restore-device\n"
    "Questions? Reply in this thread and our team will answer."
)
SLACK_INTERNAL_EXAMPLE = (
    "*Whole-laptop restore ships Tuesday, March 10, 2026*\n"
    "Tidewell Restore will restore a whole laptop to a new device, on every plan.\n"
    "- Support: the new help article is https://tidewell.example/docs/restore-device\n"
    "- Sales: it's not a Business-only feature, so please don't position it as one.\n"
    "- Marketing: the blog post and LinkedIn post go live at 10:00 AM ET.\n"
    "Questions: reply in this thread or ask Mei Chen (product)."
)


Topic = tuple[str, tuple[str, ...]]


def channel_sections(channel: str, topics: tuple[Topic, ...]) -> tuple[Section, ...]:
    """A level-1 channel heading followed by one level-2 section per topic."""
    return (Section(1, channel), *(Section(2, name, body) for name, body in topics))


SOCIAL_DOC = BrandDoc(
    title="Tidewell social channel guide",
    subject="How Tidewell writes for LinkedIn, X (Twitter), and Slack",
    intro=(
        "This guide covers our 3 social channels. Voice, tone, emoji, and exclamation mark "
        "rules come from voice-and-tone.md. Product names and words to avoid come from "
        "product-names-and-terminology.md. Required disclaimers, including the free-trial "
        "disclaimer, come from legal-disclaimers.pdf.",
        "Character counts include spaces, links, hashtags, and disclaimers.",
    ),
    sections=channel_sections(
        "LinkedIn",
        (
            (
                "Purpose and audience",
                (
                    "LinkedIn is where we reach business owners, office managers, and IT leads. We "
                    "post product news, practical backup advice, customer stories, and hiring news. "
                    "Post from the Tidewell company page 3 to 4 times a week.",
                ),
            ),
            (
                "Length limits",
                (
                    Bullet("Maximum: 3,000 characters per post (the LinkedIn limit)."),
                    Bullet("Aim for 600 to 1,200 characters."),
                    Bullet(
                        "Put the main point in the first 2 lines (about 200 characters). LinkedIn "
                        'hides the rest behind "see more".'
                    ),
                ),
            ),
            (
                "Structure of a post",
                (
                    Bullet(
                        "Opening line: what the reader can now do, or the problem we solve. No "
                        'questions like "Did you know...?".'
                    ),
                    Bullet(
                        "Body: 2 to 4 short paragraphs with a blank line between them. Use numbered lines for steps."
                    ),
                    Bullet("Call to action: one, with one link."),
                    Bullet("Disclaimers: after the call to action."),
                    Bullet("Hashtags: last."),
                ),
            ),
            (
                "Hashtags",
                (
                    Bullet("Use at most 3 hashtags per post, all at the end."),
                    Bullet(
                        "Write them in CamelCase so screen readers can read them: #CloudBackup, "
                        "#SmallBusiness, #Ransomware, #ITAdmin."
                    ),
                    Bullet("No hashtags inside sentences, and no trending hashtags unrelated to the post."),
                ),
            ),
            (
                "Links",
                (
                    Bullet('One link per post, in the post body. Don\'t write "link in the comments".'),
                    Bullet(
                        "Use full tidewell.example addresses. Never use link shorteners: readers "
                        "should see where a link goes before they click, and we teach customers "
                        "the same habit."
                    ),
                ),
            ),
            (
                "Mentions",
                (
                    Bullet(
                        "Tag a customer or partner only with written consent, as described in the "
                        "testimonials section of legal-disclaimers.pdf."
                    ),
                    Bullet("Tag employees only if they've agreed. At most 3 mentions per post."),
                ),
            ),
            (
                "Emoji and formatting",
                (
                    Bullet("No emoji on LinkedIn."),
                    Bullet("At most 1 exclamation mark per post, and none in incident or security posts."),
                    Bullet("No all-caps words and no Unicode bold or italic letters: screen readers can't read them."),
                ),
            ),
            (
                "Disclaimers",
                (
                    Bullet("Mentions the free trial: add the free-trial disclaimer."),
                    Bullet("Mentions ransomware protection or immutability: add the security claims disclaimer."),
                    Bullet("States a price: add the pricing disclaimer."),
                    Bullet("Mentions an unreleased feature: add the forward-looking statement."),
                ),
            ),
            (
                "Example post",
                (
                    f"A launch post of {len(LINKEDIN_EXAMPLE):,} characters:",
                    Verbatim(LINKEDIN_EXAMPLE),
                ),
            ),
        ),
    )
    + channel_sections(
        "X (Twitter)",
        (
            (
                "Purpose and audience",
                (
                    "On X we share short product news, incident updates, and links to useful articles, "
                    "and we reply to customers. The main account is @Tidewell. Incident updates come "
                    "from @TidewellStatus and are reposted by @Tidewell.",
                ),
            ),
            (
                "Length limits",
                (
                    Bullet(
                        "Maximum: 280 characters per post, including links, hashtags, and "
                        "disclaimers. X counts every link as 23 characters."
                    ),
                    Bullet(
                        'Threads: at most 5 posts, numbered "1/4", "2/4", and so on. Each post '
                        "must make sense on its own."
                    ),
                ),
            ),
            (
                "Structure of a post",
                (
                    Bullet("One idea per post. Lead with the news, not with the company name."),
                    Bullet("End with the link, then the hashtag, then any disclaimer."),
                ),
            ),
            (
                "Hashtags",
                (
                    Bullet("Use 1 or 2 hashtags per post, never more."),
                    Bullet("Put them at the end, in CamelCase: #CloudBackup, #Ransomware."),
                    Bullet("No hashtags in incident updates."),
                ),
            ),
            (
                "Links",
                (
                    Bullet("At most 1 link per post, to a tidewell.example or status.tidewell.example address."),
                    Bullet("No third-party link shorteners."),
                ),
            ),
            (
                "Mentions",
                (
                    Bullet("Tag customers and partners only with written consent."),
                    Bullet(
                        "When a customer asks for help in public, reply once, then move the "
                        "conversation to direct messages or support@tidewell.example. Never ask "
                        "for account details, passwords, or encryption keys in public or in direct "
                        "messages."
                    ),
                ),
            ),
            (
                "Emoji and formatting",
                (
                    Bullet("At most 1 emoji per post, and only in launch or community posts."),
                    Bullet("No emoji or exclamation marks in incident or security posts."),
                ),
            ),
            (
                "Disclaimers",
                (
                    Bullet(
                        "A disclaimer goes in the same post as the claim that needs it, within "
                        "the 280 characters. If it doesn't fit, shorten the post or don't make the "
                        "claim on X."
                    ),
                ),
            ),
            (
                "Example post",
                (
                    "A launch post with a free-trial mention (under 280 characters):",
                    Verbatim(X_EXAMPLE),
                    "An incident update from @TidewellStatus:",
                    Verbatim(X_INCIDENT_EXAMPLE),
                ),
            ),
        ),
    )
    + channel_sections(
        "Slack",
        (
            (
                "Purpose and audience",
                (
                    "We write in 2 Slack workspaces. The Tidewell Community Slack is for customers and "
                    "partners: product news in #announcements, incident updates in #status, and "
                    "questions in #help. Our internal Slack uses #announcements for company-wide news "
                    "that every employee should read.",
                ),
            ),
            (
                "Length limits",
                (
                    Bullet("Community messages: aim for under 400 characters."),
                    Bullet("Announcements (community or internal): at most 1,200 characters."),
                    Bullet(
                        "Anything longer goes in a thread under the message, or in a blog post or "
                        "help article that the message links to."
                    ),
                ),
            ),
            (
                "Structure of a post",
                (
                    Bullet("First line: a bold summary of the news, in sentence case."),
                    Bullet("Then 1 to 3 short lines or a short list: what changed, who it affects, what to do."),
                    Bullet('End with where to ask questions: "Reply in this thread" or a named person.'),
                ),
            ),
            ("Hashtags", (Bullet("No hashtags in Slack."),)),
            (
                "Links",
                (
                    Bullet("Use full tidewell.example addresses."),
                    Bullet("When a message has more than 1 link, turn off link previews so the message stays short."),
                ),
            ),
            (
                "Mentions",
                (
                    Bullet(
                        "Community Slack: only moderators use @channel or @here, and only for "
                        "incidents that affect many customers."
                    ),
                    Bullet("Internal Slack: use @here in #announcements only when people must act the same day."),
                    Bullet("Mention a person by name only when you are asking them something."),
                    Bullet(
                        "Never ask a customer to share account details, passwords, or encryption "
                        "keys in Slack. Move account-specific questions to a support ticket."
                    ),
                ),
            ),
            (
                "Emoji and formatting",
                (
                    Bullet(
                        "At most 2 emoji per message, only in friendly or celebratory messages. "
                        "Emoji reactions are always fine."
                    ),
                    Bullet("No emoji or exclamation marks in #status or in any incident or security message."),
                    Bullet(
                        "Incident updates in #status follow the incident rules in "
                        "voice-and-tone.md: times in UTC, what is affected, what is not, and when "
                        "the next update will come."
                    ),
                ),
            ),
            (
                "Disclaimers",
                (
                    Bullet("Community Slack follows the same disclaimer rules as LinkedIn."),
                    Bullet("Internal Slack needs no disclaimers, unless the text will be forwarded to customers."),
                ),
            ),
            (
                "Example post",
                (
                    "Community Slack, #announcements:",
                    Verbatim(SLACK_COMMUNITY_EXAMPLE),
                    "Internal Slack, #announcements:",
                    Verbatim(SLACK_INTERNAL_EXAMPLE),
                ),
            ),
        ),
    )
    + (
        Section(
            1,
            "Before you post",
            (
                Bullet(
                    "Product and plan names are written exactly as in "
                    "product-names-and-terminology.md, with the full product name at first "
                    "mention."
                ),
                Bullet('No words from the "words we avoid" list.'),
                Bullet("The post is within the channel's length limit, counting disclaimers."),
                Bullet("Hashtags: at most 3 on LinkedIn, 1 or 2 on X, none on Slack."),
                Bullet("Every required disclaimer is present, word for word."),
                Bullet('Dates are written like "March 4, 2026" and numbers as numerals.'),
            ),
        ),
    ),
)

# --------------------------------------------------------------------------------------------
# PDF rendering
# --------------------------------------------------------------------------------------------

PDF_FONT = "Helvetica"
PDF_SIZES = {0: 22, 1: 16, 2: 13}
BODY_SIZE = 11
LINE_HEIGHT = 5.5
BULLET_INDENT = 6

# Core PDF fonts only cover latin-1; map common typographic characters to ASCII.
ASCII_MAP = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2026": "...",
        "\u00a0": " ",
    }
)


def pdf_text(text: str) -> str:
    """Return text the core fonts can render, failing loudly on anything they can't."""
    mapped = text.translate(ASCII_MAP)
    mapped.encode("latin-1")
    return mapped


class BrandBookPDF(FPDF):
    """A PDF whose footer shows the document title and page number."""

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font(PDF_FONT, size=9)
        self.cell(0, 10, f"{self.title} - page {self.page_no()} of {{nb}}", align="C")


def pdf_heading(pdf: FPDF, level: int, text: str) -> None:
    pdf.set_font(PDF_FONT, style="B", size=PDF_SIZES[level])
    pdf.ln(2 if level == 2 else 0)
    pdf.multi_cell(0, PDF_SIZES[level] * 0.5, pdf_text(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)


def pdf_body_item(pdf: FPDF, item: str) -> None:
    """Paragraphs in regular body text; bullets after a dash; verbatim text bold in a box."""
    verbatim = isinstance(item, Verbatim)
    pdf.set_font(PDF_FONT, style="B" if verbatim else "", size=BODY_SIZE)
    if isinstance(item, Bullet):
        pdf.cell(BULLET_INDENT, LINE_HEIGHT, "-")
    elif verbatim:
        pdf.set_x(pdf.l_margin + BULLET_INDENT)
    pdf.multi_cell(
        0,
        LINE_HEIGHT,
        pdf_text(item),
        align="L",
        border=1 if verbatim else 0,
        padding=2 if verbatim else 0,
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.ln(2)


def build_pdf(doc: BrandDoc) -> bytes:
    """Render the document; every level-1 topic after the first starts on a new page."""
    pdf = BrandBookPDF(format="Letter")
    pdf.set_creation_date(BUILD_DATE)
    pdf.set_title(doc.title)
    pdf.set_subject(doc.subject)
    pdf.set_author(AUTHOR)
    pdf.set_lang("en-US")
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_page()
    pdf_heading(pdf, 0, doc.title)
    for paragraph in doc.intro:
        pdf_body_item(pdf, paragraph)
    for index, section in enumerate(doc.sections):
        if section.level == 1 and index > 0:
            pdf.add_page()
        pdf.start_section(pdf_text(section.heading), level=section.level - 1)
        pdf_heading(pdf, section.level, section.heading)
        for item in section.body:
            pdf_body_item(pdf, item)
    return bytes(pdf.output())


# --------------------------------------------------------------------------------------------
# DOCX rendering
# --------------------------------------------------------------------------------------------

# Fixed zip entry time (zip timestamps have no time zone and start in 1980).
ZIP_TIMESTAMP = BUILD_DATE.timetuple()[:6]


def add_docx_item(document: DocxDocument, item: str) -> None:
    if isinstance(item, Bullet):
        document.add_paragraph(item, style="List Bullet")
    elif isinstance(item, Verbatim):
        document.add_paragraph(item, style="Quote")
    else:
        document.add_paragraph(item)


def with_fixed_zip_timestamps(data: bytes) -> bytes:
    """Rewrite a zip archive so every entry carries ZIP_TIMESTAMP instead of the build time."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            target.writestr(
                zipfile.ZipInfo(info.filename, date_time=ZIP_TIMESTAMP),
                source.read(info),
                compress_type=zipfile.ZIP_DEFLATED,
            )
    return out.getvalue()


def build_docx(doc: BrandDoc) -> bytes:
    document = Document()
    properties = document.core_properties
    properties.title = doc.title
    properties.subject = doc.subject
    properties.author = AUTHOR
    properties.last_modified_by = AUTHOR
    properties.created = BUILD_DATE
    properties.modified = BUILD_DATE
    properties.revision = 1
    document.add_heading(doc.title, level=0)
    for paragraph in doc.intro:
        add_docx_item(document, paragraph)
    for section in doc.sections:
        document.add_heading(section.heading, level=section.level)
        for item in section.body:
            add_docx_item(document, item)
    buffer = io.BytesIO()
    document.save(buffer)
    return with_fixed_zip_timestamps(buffer.getvalue())


def main() -> None:
    PDF_PATH.write_bytes(build_pdf(LEGAL_DOC))
    DOCX_PATH.write_bytes(build_docx(SOCIAL_DOC))
    print(f"Wrote {PDF_PATH} and {DOCX_PATH}")


if __name__ == "__main__":
    main()
