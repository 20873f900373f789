"""The "Registrasi kasus baru" form: the PM as registered at identifikasi, checked like the API
checks it (NIK of 16 digits, a birth date not in the future), with messages in the reader's language."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectChoice, SelectField, StringField, TextAreaField, ValidationError
from wtforms.validators import AnyOf, DataRequired, Length, Optional, Regexp

from .i18n import REFERRALS, SEXES

# The latest "today" anywhere in Indonesia (WIT, UTC+9): a birth today is never in the future.
LATEST_INDONESIAN_OFFSET = timezone(timedelta(hours=9))
EARLIEST_BIRTH = date(1900, 1, 1)


class IsoDateField(DateField):
    """A date input (year-month-day) whose parse error speaks the reader's language."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(str(_l("Enter a date (year-month-day)."))) from None


def not_in_future(_form, field) -> None:
    if field.data is None:
        return
    if field.data > datetime.now(LATEST_INDONESIAN_OFFSET).date():
        raise ValidationError(str(_l("The date of birth cannot be in the future.")))
    if field.data < EARLIEST_BIRTH:
        raise ValidationError(str(_l("The date of birth cannot be before 1900.")))


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _at_most(limit: int) -> Length:
    return Length(max=limit, message=_l("At most %(max)d characters."))


def _choices(table: dict) -> list[SelectChoice]:
    return [SelectChoice(value, text) for value, text in table.items()]


class RegistrationForm(FlaskForm):
    nama = StringField(_l("Full name"), filters=[_strip],
                       validators=[DataRequired(_l("Fill in the name.")), _at_most(200)])
    nik = StringField(_l("NIK (national identity number)"), filters=[_strip], validators=[
        DataRequired(_l("Fill in the NIK.")),
        Regexp(r"^\d{16}$", message=_l("The NIK is exactly 16 digits."))])
    tanggal_lahir = IsoDateField(_l("Date of birth"), validators=[
        DataRequired(_l("Fill in the date of birth.")), not_in_future])
    jenis_kelamin = SelectField(_l("Sex"), choices=[SelectChoice("", _l("— choose —")), *_choices(SEXES)],
                                validate_choice=False,
                                validators=[DataRequired(_l("Choose the sex.")),
                                            AnyOf(list(SEXES), message=_l("Choose the sex."))])
    alamat = TextAreaField(_l("Address"), filters=[_strip], validators=[Optional(), _at_most(500)])
    sumber_rujukan = SelectField(_l("Referral source"), choices=_choices(REFERRALS), default="keluarga",
                                 validate_choice=False,
                                 validators=[AnyOf(list(REFERRALS), message=_l("Choose the referral source."))])
    kontak_keluarga = StringField(_l("Family contact"), filters=[_strip], validators=[Optional(), _at_most(200)],
                                  description=_l("Name and telephone number of a family member."))

    def registration(self) -> dict:
        """What the intake starts with: the PM; the engine derives anak/dewasa from the birth date."""
        return {"pm": {
            "nama": self.nama.data, "nik": self.nik.data,
            "tanggal_lahir": self.tanggal_lahir.data.isoformat(), "jenis_kelamin": self.jenis_kelamin.data,
            "alamat": self.alamat.data or "", "sumber_rujukan": self.sumber_rujukan.data,
            "kontak_keluarga": self.kontak_keluarga.data or "",
        }}
