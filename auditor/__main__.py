"""`python -m auditor`: the command line (`auditor.cli.main`)."""

import gc

# Importing the commands makes about 55,000 objects that live as long as the process, and the
# cyclic collector would walk them some 80 times while they are made (2 % of a one-policy
# audit). It is off until `main` has frozen them, and `main` turns it back on.
gc.disable()

from auditor.cli import main  # noqa: E402  (after the collector is off)

if __name__ == "__main__":
    main()
