import pytest

from tiergap.measure.latex import LatexStats


@pytest.mark.parametrize(
    ("text", "count"),
    [
        (r"The area is $A = \pi r^2$.", 1),
        (r"Use $$\sum_{i=1}^n x_i$$ and \(E = mc^2\).", 2),
        (r"\[ \sigma^2 = E[(X-\mu)^2] \]", 1),
        (r"Compute \frac{a}{b} directly.", 1),
        ("It costs $20 and $30 for two.", 0),
        ("Prices: $5, $10, $15.", 0),
        ("Plain text with x = 2 and no markup.", 0),
        ("", 0),
    ],
)
def test_latex_detection(text: str, count: int) -> None:
    stats = LatexStats.of(text)
    assert stats.expressions == count
    assert stats.any_latex == int(count > 0)
