"""Names the emulator server and its runner share. A module of its own: ``python -m emulator.server`` runs
the server module as ``__main__``, so the runner (imported by the ``emulator`` package) must not import it."""

#: The emulator's own API: forget everything, then (re)create the seeded starting state, in one request.
RESET_PATH = "/emulator/reset"
#: The public hosted zone the emulator hosts from the start (and after every reset), so a
#: configuration with ``hosted_zone=example.com`` can look it up, validate a certificate in it and
#: add records to it. Created right after the default VPC, so its ID is the same on every start.
EXAMPLE_ZONE = "example.com"
#: How the emulator handles resource types: GET with ``?types=A,B``; JSON {type: "fill" | "schema" | "no-op" |
#: "none"} (see emulator.schemas.coverage).
COVERAGE_PATH = "/emulator/coverage"
