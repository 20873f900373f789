"""The "Registrasi kasus baru" form: the PM as registered at identifikasi, checked by the engine's
rules (engine.cases.registration: NIK of 16 digits, a birth date neither in the future nor before
1900), with messages in the reader's language."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import AnyOf, DataRequired, Length, Optional

from engine.cases import registration

from .i18n import REFERRALS, SEXES

BIRTH_MESSAGES = {registration.BORN_IN_THE_FUTURE: _l("The date of birth cannot be in the future."),
                  registration.BORN_BEFORE_1900: _l("The date of birth cannot be before 1900.")}


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
    problem = registration.birth_date_problem(field.data)
    if problem:
        raise ValidationError(str(BIRTH_MESSAGES[problem]))


def is_nik(_form, field) -> None:
    if field.data and not registration.is_nik(field.data):
        raise ValidationError(str(_l("The NIK is exactly 16 digits.")))


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
        is_nik])
    tanggal_lahir = IsoDateField(_l("Date of birth"), validators=[
        DataRequired(_l("Fill in the date of birth.")), not_in_future])
    jenis_kelamin = SelectField(_l("Sex"), choices=[SelectChoice("", _l("— choose —")), *_choices(SEXES)],
                                validate_choice=False,
                                validators=[DataRequired(_l("Choose the sex.")),
                                            AnyOf(list(SEXES), message=_l("Choose the sex."))])
    alamat = TextAreaField(_l("Address"), filters=[_strip], validators=[Optional(), _at_most(500)])
    # No default: a tired worker would leave "Keluarga" as it is (issue 15).
    sumber_rujukan = SelectField(_l("Referral source"), choices=[SelectChoice("", _l("— choose —")),
                                                                 *_choices(REFERRALS)],
                                 validate_choice=False,
                                 validators=[DataRequired(_l("Choose the referral source.")),
                                             AnyOf(list(REFERRALS), message=_l("Choose the referral source."))])
    kontak_keluarga = StringField(_l("Family contact"), filters=[_strip], validators=[Optional(), _at_most(200)],
                                  description=_l("Name and telephone number of a family member."))
    # Set by the buttons under a duplicate warning: a new case of that PM, or a new PM after all.
    pm_id = IntegerField(validators=[Optional()])
    confirm_new_case = BooleanField()

    def pm(self) -> dict:
        """The PM as the engine registers them (it derives anak/dewasa from the birth date)."""
        return {
            "nama": self.nama.data, "nik": self.nik.data,
            "tanggal_lahir": self.tanggal_lahir.data.isoformat(), "jenis_kelamin": self.jenis_kelamin.data,
            "alamat": self.alamat.data or "", "sumber_rujukan": self.sumber_rujukan.data,
            "kontak_keluarga": self.kontak_keluarga.data or "",
        }


class EmergencyReferralForm(FlaskForm):
    """A new emergency referral: the PM as far as known (the NIK, the date of birth and the sex may
    come later), and what happened. It starts a case response."""
    nama = StringField(_l("Full name"), filters=[_strip],
                       validators=[DataRequired(_l("Fill in the name.")), _at_most(200)],
                       description=_l("The name as far as known, e.g. what the reporter calls the PM."))
    nik = StringField(_l("NIK (national identity number)"), filters=[_strip], validators=[Optional(), is_nik],
                      description=_l("Leave empty when not known yet."))
    tanggal_lahir = IsoDateField(_l("Date of birth"), validators=[Optional(), not_in_future],
                                 description=_l("Leave empty when not known yet."))
    jenis_kelamin = SelectField(_l("Sex"), choices=[SelectChoice("", _l("— not known —")), *_choices(SEXES)],
                                validate_choice=False,
                                validators=[Optional(), AnyOf(list(SEXES), message=_l("Choose the sex."))])
    kontak_keluarga = StringField(_l("Family contact"), filters=[_strip], validators=[Optional(), _at_most(200)],
                                  description=_l("Name and telephone number of a family member."))
    alamat = TextAreaField(_l("Address"), filters=[_strip], validators=[Optional(), _at_most(500)])
    uraian = TextAreaField(_l("What happened"), filters=[_strip],
                           validators=[DataRequired(_l("Describe the emergency.")), _at_most(4000)],
                           description=_l("Who reported it, where the PM is now, what danger there is."))
    pm_id = IntegerField(validators=[Optional()])  # as on RegistrationForm: the duplicate warning's buttons
    confirm_new_case = BooleanField()

    def pm(self) -> dict:
        """What is known of the PM; what is not known is left out (the engine checks what is given)."""
        known = {"nama": self.nama.data, "nik": self.nik.data or None,
                 "tanggal_lahir": self.tanggal_lahir.data.isoformat() if self.tanggal_lahir.data else None,
                 "jenis_kelamin": self.jenis_kelamin.data or None, "kontak_keluarga": self.kontak_keluarga.data,
                 "alamat": self.alamat.data}
        return {key: value for key, value in known.items() if value}
