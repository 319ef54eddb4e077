"""The shared argument checks: whole numbers and finite reals inside a named limit."""
from __future__ import annotations

import numpy as np
import pytest

from pqfl_kit.limits import real, whole


def test_whole():
    assert whole("n", 5, 1, 10) == 5 and type(whole("n", np.int64(7), 1, 10)) is int
    for bad, kind in ((True, TypeError), (1.0, TypeError), ("3", TypeError), (None, TypeError),
                      (0, ValueError), (11, ValueError), (10**400, ValueError)):
        with pytest.raises(kind, match="n must"):
            whole("n", bad, 1, 10)
    with pytest.raises(ValueError, match=r"n must be in \[1, 1,000\], got 1001"):
        whole("n", 1001, 1, 1000)


def test_real():
    assert real("p", 0.5, 0, 1) == 0.5 and real("p", np.float32(0.25), 0, 1) == 0.25 and real("p", 1, 0, 1) == 1.0
    for bad, kind in ((True, TypeError), ("0.5", TypeError), (float("nan"), ValueError), (float("inf"), ValueError),
                      (-0.1, ValueError), (1.5, ValueError), (10**400, ValueError)):
        with pytest.raises(kind, match="p must"):
            real("p", bad, 0, 1)
    with pytest.raises(ValueError, match=r"p must be in \(0, 1\]"):
        real("p", 0, 0, 1, low_open=True)
    with pytest.raises(ValueError, match="> 0"):
        real("x", -1, 0, low_open=True)


def test_is_whole_reports_instead_of_raising_for_untrusted_input():
    from pqfl_kit.limits import is_whole

    assert is_whole(3) and is_whole(np.int64(3), 1, 3) and is_whole(10**30)
    for bad in (True, 3.0, "3", None, [3], 10**30 + 0.5):
        assert not is_whole(bad)
    assert not is_whole(0, 1) and not is_whole(4, 1, 3)
