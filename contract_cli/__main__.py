import sys

from contract_cli import main

sys.exit(main())
