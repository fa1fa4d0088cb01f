"""Ten deploy/destroy cycles in a row leave nothing behind (slow: `make test-slow`, run by CI)."""

import pytest

from tests.conftest import DEFAULT, synth
from tests.e2e.conftest import assembly, audit

CYCLES = 10


@pytest.mark.e2e
@pytest.mark.slow
def test_ten_cycles_leave_nothing_behind(cli, emu, tmp_synth_root):
    app = assembly(synth(DEFAULT, tmp_synth_root))
    for cycle in range(1, CYCLES + 1):
        cli.deploy(app=app)
        cli.destroy(app=app)
        result = audit(emu)
        assert result.returncode == 0, f"cycle {cycle}: {result.stdout}"
    assert not cli.stack_exists()
