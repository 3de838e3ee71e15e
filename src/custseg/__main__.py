"""``python -m custseg``: the `custseg` command."""

from custseg.cli.app import main

if __name__ == "__main__":
    main()
