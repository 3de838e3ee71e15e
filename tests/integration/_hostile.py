"""A small workspace whose customers carry formula, markup and escape-sequence payloads."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from custseg.sample import sample_data_dir

FORMULA_NAME = "=cmd|' /C calc'!A0"
FORMULA_OWNER = "=2+2"
FORMULA_INDUSTRY = "=3+3"
FORMULA_ID = "=C0008"
TAB_NAME = "\t=1+1"
MARKUP = "[/]"
MARKUP_OWNER = "[bold]boss[/] [/]"
ANSI_NAME = "\x1b[31mRED\x1b[0m \x1b]8;;http://evil.example\x07click\x1b]8;;\x07"
FORMULA_TEXTS = (FORMULA_NAME, FORMULA_OWNER, FORMULA_INDUSTRY, FORMULA_ID)
"""Values that must come out as text in every xlsx and neutralised in every CSV."""

CUSTOMERS = 120
AS_OFS = ("2026-04-30", "2026-06-30")


def write_sources(folder: Path) -> tuple[Path, Path]:
    """Customers and orders CSV files of the first CUSTOMERS sample customers, made hostile."""
    sample = sample_data_dir()
    customers = pd.read_csv(sample / "customers.csv", dtype=str, encoding="utf-8-sig")
    orders = pd.read_csv(sample / "orders.csv", dtype=str, encoding="utf-8-sig")
    id_col, name, owner, industry = "客户编号", "客户名称", "负责人", "行业"
    # the busiest customers, so that every one of them is classified and many move
    busiest = orders[id_col].value_counts().index[:CUSTOMERS]
    customers = customers[customers[id_col].isin(busiest)].reset_index(drop=True)
    orders = orders[orders[id_col].isin(busiest)]
    edits = {
        0: {name: FORMULA_NAME},
        1: {owner: FORMULA_OWNER, industry: FORMULA_INDUSTRY},
        2: {name: TAB_NAME},
        3: {industry: MARKUP, name: MARKUP},
        4: {owner: MARKUP_OWNER, name: ANSI_NAME},
    }
    for row, values in edits.items():
        for column, value in values.items():
            customers.loc[row, column] = value
    old_id = customers.loc[5, id_col]
    customers.loc[5, id_col] = FORMULA_ID
    orders.loc[orders[id_col] == old_id, id_col] = FORMULA_ID
    customers_file, orders_file = folder / "customers.csv", folder / "orders.csv"
    customers.to_csv(customers_file, index=False, encoding="utf-8")
    orders.to_csv(orders_file, index=False, encoding="utf-8")
    return customers_file, orders_file
