from contract_cli import run

run()
