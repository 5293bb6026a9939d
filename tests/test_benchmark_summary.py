"""The plain-language summary of a benchmark report (csf.benchmarks.summary): strongest and
weakest functions, ties named together, the change and a missing year said in words."""

from csf.benchmarks.frames import scores_by_level, tree_frame, year_over_year
from csf.benchmarks.summary import summary_sentences
from csf.scoring import CoreTree
from tests.benchmark_steps import answers, history, tree


def test_summary_names_the_strongest_and_weakest_functions_and_the_change():
    changes = year_over_year(history())
    titles = tree().titles
    # 2023: overall 4.125, 4.125 - 3.5 = 0.625 up from 2022; F1 5.25 strongest, F2 3 weakest.
    assert summary_sentences(changes, titles=titles) == [
        "In 2023 the overall score was 4.1 out of 7, up 0.6 from 2022.",
        "The strongest function is Identify (F1), at 5.2.",
        "The weakest function is Protect the systems (F2), at 3.0.",
        "Recover (F3) has no score in 2023.",
    ]
    # 2022 is compared with 2020: 2021 was not assessed. 3.5 - 2.75 = 0.75.
    assert summary_sentences(changes, titles=titles, year=2022)[0] == (
        "In 2022 the overall score was 3.5 out of 7, up 0.8 from 2020 (nothing was scored in 2021)."
    )
    assert summary_sentences(changes, year=2019)[0] == (
        "In 2019 the overall score was 1.8 out of 7, the first year with a score: there is no "
        "earlier year to compare with."
    )


def test_summary_names_tied_functions_together():
    core = CoreTree(
        version="2.0",
        functions=["F1", "F2", "F3"],
        categories={"F1": ["C1"], "F2": ["C2"], "F3": ["C3"]},
        subcategories={"C1": ["a1"], "C2": ["b1"], "C3": ["c1"]},
    )
    frame = scores_by_level(
        answers(
            [
                ("A", 2020, {"a1": 4, "b1": 5, "c1": 4}),
                ("A", 2021, {"a1": 4, "b1": 4, "c1": 2}),
                ("A", 2022, {"a1": 3, "b1": 3, "c1": 3}),
                ("A", 2023, {"b1": 3}),
            ]
        ),
        tree_frame(core),
    )
    changes = year_over_year(frame)
    # 2021: overall (4 + 4 + 2) / 3 = 3.33, down 1.0 from 4.33; F1 and F2 tied at 4.
    assert summary_sentences(changes, year=2021) == [
        "In 2021 the overall score was 3.3 out of 7, down 1.0 from 2020.",
        "The strongest functions are F1 and F2, at 4.0 each.",
        "The weakest function is F3, at 2.0.",
    ]
    assert summary_sentences(changes, year=2022)[1:] == [
        "All 3 functions scored stand level, at 3.0."
    ]
    assert summary_sentences(changes, year=2023) == [
        "In 2023 the overall score was 3.0 out of 7, the same as in 2022.",
        "Only F2 has a score so far (3.0): score the other functions to compare them.",
        "F1 and F3 have no score in 2023.",
    ]
    assert summary_sentences(changes, year=2019) == ["There is no assessment for 2019."]
