"""SQLAlchemy 2 models. The schema is created and evolved by Alembic (store/migrations)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (Boolean, Date, DateTime, Float, ForeignKey, ForeignKeyConstraint, Index, Integer,
                        String, Text, UniqueConstraint)
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


class Round(Base):
    __tablename__ = "round"
    year: Mapped[int] = mapped_column(Integer, primary_key=True)          # B.E.
    state: Mapped[str] = mapped_column(String(12))                        # open | closed | published
    window_open: Mapped[date | None] = mapped_column(Date)
    window_close: Mapped[date | None] = mapped_column(Date)
    catalogue_source: Mapped[str] = mapped_column(String(200))


class Indicator(Base):
    __tablename__ = "indicator"
    year: Mapped[int] = mapped_column(ForeignKey("round.year"), primary_key=True)
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


class Submission(Base):
    """One revision of one LAO's data for one round. Re-importing adds a revision; only the newest
    (`is_current`) is scored, older ones stay as history."""
    __tablename__ = "submission"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lao_code: Mapped[str] = mapped_column(ForeignKey("lao.code"))
    year: Mapped[int] = mapped_column(ForeignKey("round.year"))
    revision: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(12))                        # in_progress | submitted
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    source_file: Mapped[str | None] = mapped_column(String(255))
    submitted_by: Mapped[str | None] = mapped_column(String(100))
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    __table_args__ = (UniqueConstraint("lao_code", "year", "revision"),
                      Index("ix_submission_current", "year", "is_current", "lao_code"))


class IndicatorValue(Base):
    __tablename__ = "indicator_value"
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id"), primary_key=True)
    indicator_code: Mapped[str] = mapped_column(String(5), primary_key=True)
    frame: Mapped[float | None] = mapped_column(Float)
    delivered: Mapped[float | None] = mapped_column(Float)
    evidence_url: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)


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
