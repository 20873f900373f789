"""The ASSIST screening scores each substance used; the shipped DMN decides each substance's risk with
WHO ASSIST's bands (alcohol has its own) and the highest wins (issue 14)."""
import pytest

from engine.errors import InvalidInput
from tests.case_driver import CaseDriver, registration


def screened(runtime, staff, **scores) -> CaseDriver:
    case = CaseDriver(runtime, staff, runtime.start_case("atensi_intake", registration(), staff.actor("peksos")))
    case.complete("Identifikasi & orientasi")
    main = max(scores, key=scores.get)
    case.complete("Skrining ASSIST", zat_utama=main, **{f"skor_{name}": score for name, score in scores.items()})
    return case


@pytest.mark.parametrize(("scores", "risk", "next_task"), [
    ({"alkohol": 8}, "rendah", "Rujukan rehabilitasi medis"),          # alcohol's low band is 0-10
    ({"alkohol": 10}, "rendah", "Rujukan rehabilitasi medis"),
    ({"alkohol": 11}, "sedang", "Asesmen lanjut"),
    ({"alkohol": 15}, "sedang", "Asesmen lanjut"),
    ({"alkohol": 27}, "tinggi", "Asesmen lanjut"),
    ({"ganja": 3}, "rendah", "Rujukan rehabilitasi medis"),            # every other substance: 0-3
    ({"ganja": 4}, "sedang", "Asesmen lanjut"),
    ({"stimulan_amfetamin": 27}, "tinggi", "Asesmen lanjut"),
    ({"tembakau": 26}, "sedang", "Asesmen lanjut"),
])
def test_each_substance_is_judged_by_its_own_assist_bands(runtime, staff, deployed, scores, risk, next_task):
    case = screened(runtime, staff, **scores)
    assert case.case().risk_level == risk
    assert case.open_names() == [next_task]  # low risk: the medical referral, then the family-based plan


@pytest.mark.parametrize(("scores", "risk"), [
    ({"alkohol": 10, "tembakau": 3, "ganja": 1}, "rendah"),
    ({"alkohol": 9, "sedatif": 4}, "sedang"),                        # low alcohol, medium sedatives
    ({"alkohol": 20, "stimulan_amfetamin": 27}, "tinggi"),
    ({"opioid": 30, "ganja": 2}, "tinggi"),
])
def test_with_several_substances_the_highest_risk_wins(runtime, staff, deployed, scores, risk):
    assert screened(runtime, staff, **scores).case().risk_level == risk


def test_the_main_substance_needs_a_score(runtime, staff, deployed):
    case = CaseDriver(runtime, staff, runtime.start_case("atensi_intake", registration(), staff.actor("peksos")))
    case.complete("Identifikasi & orientasi")
    with pytest.raises(InvalidInput) as refused:
        case.complete("Skrining ASSIST", zat_utama="alkohol")
    assert set(refused.value.fields) == {"skor_alkohol"}
