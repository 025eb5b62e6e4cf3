"""SQLAlchemy 2 models. The schema is created and evolved by Alembic (store/migrations)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (Boolean, Date, DateTime, Float, ForeignKey, ForeignKeyConstraint, Index, Integer,
                        LargeBinary, String, Text, UniqueConstraint, false, text, true)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Meta(Base):
    """Facts about the dataset itself, e.g. whether it is the synthetic sample."""
    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Province(Base):
    __tablename__ = "province"
    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    iso: Mapped[str] = mapped_column(String(5), unique=True)
    name_th: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    region6: Mapped[str] = mapped_column(String(20))
    region_nesdb7: Mapped[str] = mapped_column(String(30))
    region4: Mapped[str] = mapped_column(String(20))


class District(Base):
    __tablename__ = "district"
    code: Mapped[str] = mapped_column(String(4), primary_key=True)
    province_code: Mapped[str] = mapped_column(ForeignKey("province.code"), index=True)
    name_th: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))


class Lao(Base):
    __tablename__ = "lao"
    code: Mapped[str] = mapped_column(String(7), primary_key=True)
    name_th: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(20), index=True)
    province_code: Mapped[str] = mapped_column(ForeignKey("province.code"), index=True)
    district_code: Mapped[str | None] = mapped_column(ForeignKey("district.code"), index=True)
    area_km2: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    population: Mapped[int | None] = mapped_column(Integer)
    contact_email: Mapped[str | None] = mapped_column(String(254))       # where reminders go


class Round(Base):
    __tablename__ = "round"
    year: Mapped[int] = mapped_column(Integer, primary_key=True)          # B.E.
    state: Mapped[str] = mapped_column(String(12))                        # open | closed | published
    window_open: Mapped[date | None] = mapped_column(Date)
    window_close: Mapped[date | None] = mapped_column(Date)
    catalogue_source: Mapped[str] = mapped_column(String(200))


class Indicator(Base):
    """One indicator of one year's catalogue. A catalogue may exist before its round is opened (the shipped
    and imported catalogues), so the year is not tied to a round row."""
    __tablename__ = "indicator"
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(5), primary_key=True)
    domain: Mapped[int] = mapped_column(Integer)
    name_th: Mapped[str] = mapped_column(Text)
    name_en: Mapped[str] = mapped_column(Text)
    mission_th: Mapped[str | None] = mapped_column(Text)
    mission_en: Mapped[str | None] = mapped_column(Text)
    measure: Mapped[str] = mapped_column(String(8))
    target: Mapped[float] = mapped_column(Float)
    applies_to: Mapped[str] = mapped_column(String(100))                  # type codes joined by ';'
    frame_th: Mapped[str] = mapped_column(Text)
    frame_en: Mapped[str] = mapped_column(Text)
    delivered_th: Mapped[str] = mapped_column(Text)
    delivered_en: Mapped[str] = mapped_column(Text)
    unit_th: Mapped[str | None] = mapped_column(String(40))
    unit_en: Mapped[str | None] = mapped_column(String(40))
    provenance: Mapped[str] = mapped_column(String(12))
    source: Mapped[str | None] = mapped_column(Text)
    # What (1) and (2) count, as the published reports print under each indicator (entry form help).
    frame_help_th: Mapped[str | None] = mapped_column(Text)
    frame_help_en: Mapped[str | None] = mapped_column(Text)
    delivered_help_th: Mapped[str | None] = mapped_column(Text)
    delivered_help_en: Mapped[str | None] = mapped_column(Text)
    countable: Mapped[bool] = mapped_column(Boolean, server_default=false())   # whole units (spots, signals)


class IndicatorTarget(Base):
    """A target that differs for one LAO type (the official forms are per type); `indicator.target`
    is the target for every other type the indicator applies to."""
    __tablename__ = "indicator_target"
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(5), primary_key=True)
    lao_type: Mapped[str] = mapped_column(String(20), primary_key=True)
    target: Mapped[float] = mapped_column(Float)
    __table_args__ = (ForeignKeyConstraint(["year", "code"], ["indicator.year", "indicator.code"],
                                           ondelete="CASCADE"),)


class Submission(Base):
    """One revision of one LAO's data for one round. An import or a resubmission adds a revision; older
    ones stay as history. `is_current` marks the newest (perhaps a draft being entered), `counted` the one
    that is scored: the newest submitted revision that a monitor has not returned."""
    __tablename__ = "submission"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lao_code: Mapped[str] = mapped_column(ForeignKey("lao.code"))
    year: Mapped[int] = mapped_column(ForeignKey("round.year"))
    revision: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(12))                        # in_progress | submitted
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    source_file: Mapped[str | None] = mapped_column(String(255))
    submitted_by: Mapped[str | None] = mapped_column(String(100))
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)      # the newest revision (maybe a draft)
    # The revision whose figures are scored and shown: the newest submitted one that was not returned.
    counted: Mapped[bool] = mapped_column(Boolean, server_default=false())
    lock_version: Mapped[int] = mapped_column(Integer, server_default=text("0"))   # bumped by every save
    updated_at: Mapped[datetime | None] = mapped_column(DateTime)
    updated_by: Mapped[str | None] = mapped_column(String(100))
    certified_name: Mapped[str | None] = mapped_column(String(200))      # the executive who signed off
    certified_position: Mapped[str | None] = mapped_column(String(200))
    review_state: Mapped[str | None] = mapped_column(String(12))        # None (waiting) | checked | returned
    reviewed_by: Mapped[str | None] = mapped_column(String(100))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime)
    __table_args__ = (UniqueConstraint("lao_code", "year", "revision"),
                      Index("ix_submission_current", "year", "is_current", "lao_code"),
                      Index("ix_submission_counted", "year", "counted", "lao_code"))


class IndicatorValue(Base):
    __tablename__ = "indicator_value"
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id"), primary_key=True)
    indicator_code: Mapped[str] = mapped_column(String(5), primary_key=True)
    frame: Mapped[float | None] = mapped_column(Float)
    delivered: Mapped[float | None] = mapped_column(Float)
    evidence_url: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    not_done: Mapped[bool] = mapped_column(Boolean, server_default=false())  # (2) left empty on purpose
    explanation: Mapped[str | None] = mapped_column(Text)                    # answer to an entry warning


class Result(Base):
    """Materialised outcome per LAO × year × indicator for the current revisions."""
    __tablename__ = "result"
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    lao_code: Mapped[str] = mapped_column(String(7), primary_key=True)
    indicator_code: Mapped[str] = mapped_column(String(5), primary_key=True)
    domain: Mapped[int] = mapped_column(Integer)
    pct: Mapped[float | None] = mapped_column(Float)
    outcome: Mapped[str] = mapped_column(String(10))
    __table_args__ = (Index("ix_result_indicator", "year", "indicator_code", "outcome"),
                      ForeignKeyConstraint(["year", "indicator_code"], ["indicator.year", "indicator.code"]))


class Summary(Base):
    """Materialised roll-up per LAO × year × domain ('1'…'8', 'all')."""
    __tablename__ = "summary"
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    lao_code: Mapped[str] = mapped_column(String(7), primary_key=True)
    domain: Mapped[str] = mapped_column(String(3), primary_key=True)
    n_pass: Mapped[int] = mapped_column(Integer)
    n_fail: Mapped[int] = mapped_column(Integer)
    n_not_done: Mapped[int] = mapped_column(Integer)
    n_no_service: Mapped[int] = mapped_column(Integer)
    pass_rate: Mapped[float | None] = mapped_column(Float)
    __table_args__ = (Index("ix_summary_domain", "year", "domain"),)


class ChangeLog(Base):
    """Every change to the data: who, when, what, from which file, how many rows."""
    __tablename__ = "change_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    who: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str | None] = mapped_column(Text)
    file_name: Mapped[str | None] = mapped_column(String(255))
    n_rows: Mapped[int | None] = mapped_column(Integer)
    year: Mapped[int | None] = mapped_column(Integer)             # the round a change concerns, if one
    reason: Mapped[str | None] = mapped_column(Text)              # why (required to correct a published round)


class RowHistory(Base):
    """The earlier version of a row that an import replaced (registry, catalogue), by change."""
    __tablename__ = "row_history"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    change_id: Mapped[int] = mapped_column(ForeignKey("change_log.id"), index=True)
    entity: Mapped[str] = mapped_column(String(30))               # lao | indicator | ...
    entity_key: Mapped[str] = mapped_column(String(60))
    before: Mapped[str] = mapped_column(Text)                     # JSON of the row as it was


# --- accounts and sign-in ----------------------------------------------------------------------------

class AppUser(Base):
    """A local account. `username_key` (case-folded) is unique, so 'Somchai' and 'somchai' cannot both
    exist. A one-time password (provisioning, reset) is stored with a fast hash (`password_kind` otp): it
    is random and long, so it cannot be guessed; a chosen password is always argon2id."""
    __tablename__ = "app_user"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(100))
    username_key: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(12))
    lao_code: Mapped[str | None] = mapped_column(ForeignKey("lao.code"), index=True)
    province_code: Mapped[str | None] = mapped_column(ForeignKey("province.code"))
    password_hash: Mapped[str] = mapped_column(Text)
    password_kind: Mapped[str] = mapped_column(String(10))      # argon2id | otp
    must_change: Mapped[bool] = mapped_column(Boolean, server_default=false())
    active: Mapped[bool] = mapped_column(Boolean, server_default=true())
    email: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(100))
    password_changed_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(DateTime)


class AuthSession(Base):
    """A signed-in browser. The cookie carries a random token; only its SHA-256 is stored here, so a copy
    of the database cannot be used to sign in. Sign-out, disabling the account or a password change
    revokes it. `kind` handoff: a one-use, one-minute token that turns into a session cookie."""
    __tablename__ = "auth_session"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)          # sha256 hex of the token
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), index=True)   # a database account
    file_user: Mapped[str | None] = mapped_column(String(100))             # or an accounts-file account
    created_at: Mapped[datetime] = mapped_column(DateTime)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    kind: Mapped[str] = mapped_column(String(10), server_default="session")  # session | handoff


class SignInLimit(Base):
    """Failed sign-ins per user name and per client, shared by every server process. An attempt is
    reserved here (counted as a failure) before the password is checked, so simultaneous guesses
    cannot all be tried; a success gives the reservation back."""
    __tablename__ = "sign_in_limit"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)      # user:<name> | client:<address>
    failures: Mapped[int] = mapped_column(Integer)
    window_start: Mapped[datetime] = mapped_column(DateTime)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)


class AppSecret(Base):
    __tablename__ = "app_secret"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


# --- the round's paper trail: entry history, evidence, steps, review, reminders ----------------------

class EntryEvent(Base):
    """Every save, submit, reopen, upload and review action on one LAO's round, with the figures it
    changed (JSON list of {indicator, field, old, new})."""
    __tablename__ = "entry_event"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lao_code: Mapped[str] = mapped_column(ForeignKey("lao.code"))
    year: Mapped[int] = mapped_column(Integer)
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submission.id"))
    revision: Mapped[int | None] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(DateTime)
    who: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(20))
    domain: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (Index("ix_entry_event_lao", "lao_code", "year"),)


class Attachment(Base):
    """Evidence: a file (kept in the database, so a database backup has it) or a link, for one indicator,
    one step, or the submission as a whole. Removing sets `removed_at`; the row stays as history."""
    __tablename__ = "attachment"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lao_code: Mapped[str] = mapped_column(ForeignKey("lao.code"))
    year: Mapped[int] = mapped_column(Integer)
    indicator_code: Mapped[str | None] = mapped_column(String(5))
    step: Mapped[str | None] = mapped_column(String(12))
    kind: Mapped[str] = mapped_column(String(6))                   # file | link
    file_name: Mapped[str | None] = mapped_column(String(255))
    content_type: Mapped[str | None] = mapped_column(String(100))  # from the content, not the name
    size_bytes: Mapped[int | None] = mapped_column(Integer)
    sha256: Mapped[str | None] = mapped_column(String(64))
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
    url: Mapped[str | None] = mapped_column(Text)
    label: Mapped[str | None] = mapped_column(String(300))
    uploaded_by: Mapped[str] = mapped_column(String(100))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime)
    removed_by: Mapped[str | None] = mapped_column(String(100))
    removed_at: Mapped[datetime | None] = mapped_column(DateTime)
    __table_args__ = (Index("ix_attachment_lao", "lao_code", "year"),)


class RoundStep(Base):
    """A step after submission (committee appointed, presented to the executive, reported to the
    council, publicised to citizens) with its date. A new record replaces the current one; old ones stay."""
    __tablename__ = "round_step"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lao_code: Mapped[str] = mapped_column(ForeignKey("lao.code"))
    year: Mapped[int] = mapped_column(Integer)
    step: Mapped[str] = mapped_column(String(12))                  # committee | executive | council | public
    done_on: Mapped[date] = mapped_column(Date)
    detail: Mapped[str | None] = mapped_column(Text)               # the meeting, where it was publicised
    url: Mapped[str | None] = mapped_column(Text)
    attachment_id: Mapped[int | None] = mapped_column(ForeignKey("attachment.id"))
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(DateTime)
    is_current: Mapped[bool] = mapped_column(Boolean, server_default=true())
    __table_args__ = (Index("ix_round_step", "year", "step", "is_current", "lao_code"),)


class ReviewComment(Base):
    """A monitor's (or the LAO's reply) comment on a submission, on one indicator or on the whole."""
    __tablename__ = "review_comment"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lao_code: Mapped[str] = mapped_column(ForeignKey("lao.code"))
    year: Mapped[int] = mapped_column(Integer)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id"))
    indicator_code: Mapped[str | None] = mapped_column(String(5))
    author: Mapped[str] = mapped_column(String(100))
    author_role: Mapped[str] = mapped_column(String(12))
    at: Mapped[datetime] = mapped_column(DateTime)
    body: Mapped[str] = mapped_column(Text)
    __table_args__ = (Index("ix_review_comment_lao", "lao_code", "year"),)


class Reminder(Base):
    """One reminder e-mail. (lao, year, reason, reason_ref) is unique, so a reminder is never sent twice."""
    __tablename__ = "reminder"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lao_code: Mapped[str] = mapped_column(ForeignKey("lao.code"))
    year: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(20))               # not_submitted | returned
    reason_ref: Mapped[str] = mapped_column(String(40))           # e.g. the returned revision
    to_address: Mapped[str] = mapped_column(String(254))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    sent_by: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(10))               # sent | failed
    error: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (UniqueConstraint("lao_code", "year", "reason", "reason_ref"),)
