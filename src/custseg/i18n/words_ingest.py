"""Words of reading and validating input files, in zh-CN and English."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from custseg.i18n import Lang

WORDS: dict[str, dict[Lang, str]] = {
    # -- options and bounds --
    "ingest_opt_positive": {
        "zh": "{option} 必须是正数；收到 {value}。",
        "en": "{option} must be a positive number; got {value}.",
    },
    "ingest_opt_header_and_columns": {
        "zh": "--header-row 与 --columns 只能选一个：--columns 表示文件没有表头行。",
        "en": "use either --header-row or --columns: --columns says the file has no header row.",
    },
    "ingest_opt_columns_empty": {
        "zh": "--columns 需要逗号分隔的列名，例如 --columns customer_id,order_date,amount。",
        "en": "--columns needs comma-separated names, e.g. "
        "--columns customer_id,order_date,amount.",
    },
    "ingest_opt_delimiter": {
        "zh": "--delimiter {value!r} 无效：请用单个字符，或 tab、space（连续空白）。",
        "en": "--delimiter {value!r} is not valid: give one character, or tab, or space (runs of "
        "whitespace).",
    },
    "ingest_opt_table": {
        "zh": "表名必须是 {known} 之一；收到 {value!r}。",
        "en": "table must be one of {known}; got {value!r}.",
    },
    "ingest_opt_mode": {
        "zh": "--mode 必须是 replace 或 upsert；收到 {value!r}。",
        "en": "--mode must be replace or upsert; got {value!r}.",
    },
    "ingest_opt_rejects_suffix": {
        "zh": "--rejects-out 的文件名必须以 .csv 或 .xlsx 结尾；收到 {value!r}。",
        "en": "--rejects-out must end in .csv or .xlsx; got {value!r}.",
    },
    "ingest_map_format": {
        "zh": "--map {item!r}：应写成 表头=字段，例如 --map 客户号=customer_id。",
        "en": "--map {item!r}: expected HEADER=FIELD, e.g. --map 客户号=customer_id.",
    },
    "ingest_map_unknown_header": {
        "zh": "映射 {source}={target} 中的表头 {source!r} 在文件中不存在。相近的表头：{close}。"
        "找到的表头：{headers}。",
        "en": "the mapping {source}={target} names a header {source!r} that the file does not "
        "have. Close headers: {close}. Headers found: {headers}.",
    },
    "ingest_db_needs_table": {
        "zh": "{url} 是数据库 URL；请用 --table 指定要读取的表。",
        "en": "{url} is a database URL; name the table to read with --table (source_table=).",
    },
    "ingest_db_missing_file": {
        "zh": "{url}：数据库文件 {file} 不存在。",
        "en": "{url}: database file {file} does not exist.",
    },
    "ingest_db_connect": {
        "zh": "无法连接 {url}：{reason}",
        "en": "cannot connect to {url}: {reason}",
    },
    "ingest_db_no_table": {
        "zh": "{url} 中没有表 {table!r}。现有的表：{tables}。",
        "en": "{url} has no table {table!r}. Tables: {tables}.",
    },
    "ingest_bad_parquet": {
        "zh": "{file} 不是可读的 Parquet 文件：{reason}",
        "en": "{file} is not a readable Parquet file: {reason}",
    },
    "ingest_no_columns": {"zh": "{file} 没有任何列。", "en": "{file} has no columns."},
    "ingest_opt_date": {
        "zh": "{option} 需要 YYYY-MM-DD 格式的日期；收到 {value!r}。",
        "en": "{option} needs a date written YYYY-MM-DD; got {value!r}.",
    },
    "ingest_too_slow": {
        "zh": "{file}：读取和检查超过了 {seconds} 秒的时间上限，已停止，工作区未做任何修改。"
        "如文件确实这么大，请用 --max-seconds 提高上限。",
        "en": "{file}: reading and checking took longer than the limit of {seconds} s; stopped, "
        "the workspace is unchanged. If the file is really that big, raise the limit with "
        "--max-seconds.",
    },
    "ingest_too_big": {
        "zh": "{file} 超过 {limit} 字节的大小上限，未读取。如确需导入，请用 --max-bytes 提高上限。",
        "en": "{file} is larger than the limit of {limit} bytes; not read. Raise the limit with "
        "--max-bytes if you really mean to ingest it.",
    },
    "ingest_xlsx_too_big": {
        "zh": "{file} 解压后有 {size} 字节，超过 {limit} 字节的上限（可能是压缩炸弹），未读取。"
        "如确需导入，请用 --max-bytes 提高上限。",
        "en": "{file} unpacks to {size} bytes, over the limit of {limit} bytes (a zip bomb?); not "
        "read. Raise the limit with --max-bytes if you really mean to ingest it.",
    },
    "ingest_too_many_rows": {
        "zh": "{file} 的数据行超过 {limit} 行的上限，未导入。"
        "请拆分文件，或用 --max-rows 提高上限。",
        "en": "{file} has more than {limit} data rows, the limit; nothing was ingested. Split the "
        "file or raise the limit with --max-rows.",
    },
    "ingest_cell_too_long": {
        "zh": "{file} 第 {row} 行“{column}”列的单元格有 {size} 个字符，超过 {limit} 个字符的上限"
        "（Excel 自身的上限），未导入。如确需导入，请用 --max-cell-chars 提高上限。",
        "en": "{file}, row {row}, column {column!r}: a cell of {size} characters, over the limit "
        "of {limit} (Excel's own); nothing was ingested. Raise it with --max-cell-chars if the "
        "value is real.",
    },
    # -- reading files --
    "ingest_no_file": {
        "zh": "{file} 不存在，请检查路径。",
        "en": "{file} does not exist. Check the path.",
    },
    "ingest_is_folder": {
        "zh": "{file} 是文件夹而不是文件，请给出其中的文件。",
        "en": "{file} is a directory, not a file. Give a file inside it.",
    },
    "ingest_not_regular": {
        "zh": "{file} 不是普通文件（设备、管道或套接字），拒绝读取。请先把数据保存为文件。",
        "en": "{file} is not a regular file (a device, pipe or socket); refused. Save the data "
        "to a file first.",
    },
    "ingest_gzip_text_only": {
        "zh": "{file}：只支持 gzip 压缩的文本文件（.csv.gz、.tsv.gz、.txt.gz）。",
        "en": "{file}: only gzip-compressed text files are supported (.csv.gz, .tsv.gz, .txt.gz).",
    },
    "ingest_unreadable_gzip": {
        "zh": "{file} 不是可读的 gzip 文件：{reason}",
        "en": "{file} is not a readable gzip file: {reason}",
    },
    "ingest_xls": {
        "zh": "{file}：不支持旧版 .xls 工作簿，请另存为 .xlsx。",
        "en": "{file}: old .xls workbooks are not supported; save it as .xlsx.",
    },
    "ingest_unknown_type": {
        "zh": "{file}：未知的文件类型 {suffix}；请使用 {known} 之一，或数据库 URL。",
        "en": "{file}: unknown file type {suffix!r}; use one of {known} or a database URL.",
    },
    "ingest_binary": {
        "zh": "{file} 不是文本文件（含二进制数据）；如果是工作簿，请使用 .xlsx 扩展名。",
        "en": "{file} is not a text file (it holds binary data); if it is a workbook, give it "
        "the .xlsx extension.",
    },
    "ingest_bad_encoding": {
        "zh": "{file} 既不是 UTF-8/UTF-16 也不是 GBK/GB18030 文本；请另存为 UTF-8 CSV。",
        "en": "{file} is neither UTF-8/UTF-16 nor GBK/GB18030 text; save it as UTF-8 CSV.",
    },
    "ingest_empty": {
        "zh": "{file} 是空的；需要一个表头行和若干数据行。",
        "en": "{file} is empty; it needs a header row and data rows.",
    },
    "ingest_no_data_rows": {
        "zh": "{file} 只有表头，没有数据行；未导入任何内容。",
        "en": "{file} has a header but no data rows; nothing to ingest.",
    },
    "ingest_no_header": {
        "zh": "{file} 第 {line} 行看起来是数据而不是表头（全是数字或日期），文件似乎没有表头。"
        "请用 --columns 给出 {fields} 列的名称，"
        "例如 --columns customer_id,order_date,quantity,amount。",
        "en": "{file}: line {line} looks like data, not a header (only numbers and dates); the "
        "file seems to have no header. Name its {fields} columns with --columns, e.g. "
        "--columns customer_id,order_date,quantity,amount.",
    },
    "ingest_header_row_blank": {
        "zh": "{file}：--header-row {line} 指向的行是空行或不存在。",
        "en": "{file}: --header-row {line} names a line that is blank or does not exist.",
    },
    "ingest_columns_count": {
        "zh": "{file}：--columns 给了 {given} 个名称，但文件每行有 {width} 个字段。",
        "en": "{file}: --columns gives {given} names but the file's lines have {width} fields.",
    },
    "ingest_bad_csv": {
        "zh": "{file} 第 {line} 行无法解析：{reason}",
        "en": "{file}, line {line} cannot be parsed: {reason}",
    },
    "ingest_bad_xlsx": {
        "zh": "{file} 不是可读的 .xlsx 工作簿：{reason}",
        "en": "{file} is not a readable .xlsx workbook: {reason}",
    },
    "ingest_no_sheet": {
        "zh": "{file} 中没有工作表 {sheet!r}。现有工作表：{sheets}。",
        "en": "{file} has no sheet {sheet!r}. Sheets: {sheets}.",
    },
    # -- headers --
    "ingest_missing_columns": {
        "zh": "{file}：缺少表 {table!r} 必需的列：{missing}。找到的表头：{headers}。{hint}",
        "en": "{file}: missing required column(s) for table {table!r}: {missing}. Headers found: "
        "{headers}. {hint}",
    },
    "ingest_map_suggestion": {
        "zh": "建议的映射：{suggestions}。{howto}",
        "en": "Suggested mapping: {suggestions}. {howto}",
    },
    "ingest_map_howto": {
        "zh": "也可以修改文件中的表头，或用 --map 表头=字段 映射其他表头。",
        "en": "Or rename the header in the file, or map any other header with --map HEADER=FIELD.",
    },
    "ingest_map_generic": {
        "zh": "请修改文件中的表头，或用 --map 表头=字段 映射（例如 --map '{example}={column}'）。",
        "en": "Rename the header in the file, or map it with --map HEADER=FIELD (e.g. --map "
        "'{example}={column}').",
    },
    "ingest_one_header_hint": {
        "zh": "只找到一个表头 {header!r}：分隔符可能没有被识别，请用 --delimiter 指定。",
        "en": "Only one header was found, {header!r}: the delimiter may not have been "
        "recognised; give it with --delimiter.",
    },
    "ingest_reason_not_date": {
        "zh": "{column} 不是日期；请写成 2024-03-05、2024/3/5 或 2024年3月5日",
        "en": "not a date for {column}; write it like 2024-03-05, 2024/3/5 or 2024年3月5日",
    },
    "ingest_reason_not_int": {
        "zh": "{column} 不是整数",
        "en": "not a whole number for {column}",
    },
    "ingest_reason_not_number": {
        "zh": "{column} 不是数字；请写成 1234.50 或 ¥1,234.50",
        "en": "not a number for {column}; write it like 1234.50 or ¥1,234.50",
    },
    "ingest_reason_not_satisfaction": {
        "zh": "{column} 不是数字，也不是满意度用语；请写成 1234.50 或“满意”等",
        "en": "not a number for {column} or one of the satisfaction words; write it like 1234.50 "
        "or ¥1,234.50",
    },
    "ingest_reason_extra_fields": {
        "zh": "字段比表头多；含分隔符的值请加引号",
        "en": "more fields than the header; quote values that contain the delimiter",
    },
    "ingest_reason_missing": {
        "zh": "为空，但 {column} 是必填项；请补上或删除该行",
        "en": "empty, but {column} is required; fill it in or remove the row",
    },
    "ingest_reason_at_least": {
        "zh": "不可能的值：{column} 至少应为 {bound}",
        "en": "impossible: {column} must be at least {bound}",
    },
    "ingest_reason_at_most": {
        "zh": "不可能的值：{column} 至多应为 {bound}",
        "en": "impossible: {column} must be at most {bound}",
    },
    "ingest_reason_unknown_customer": {
        "zh": "客户不在客户表中；请先导入该客户或更正编号",
        "en": "customer not in the customers table; ingest the customer first or correct the id",
    },
    "ingest_reason_negative_quantity": {
        "zh": "数量为负而金额为正；退货行的金额应为负数",
        "en": "negative quantity with a positive amount; a return line has a negative amount",
    },
    "ingest_reason_due_before_invoice": {
        "zh": "到期日早于开票日期；请检查这两个日期",
        "en": "due date before the invoice date; check both dates",
    },
    "ingest_reason_paid_far": {
        "zh": "付款日期与开票日期相差超过 10 年；请检查年份",
        "en": "paid date more than 10 years from the invoice date; check the year",
    },
    "ingest_reason_copy": {
        "zh": "与第 {first} 行完全相同；只保留第一行",
        "en": "exact copy of row {first}; only the first is kept",
    },
    "ingest_reason_same_key": {
        "zh": "键（{key}）与第 {first} 行相同；只保留第一行",
        "en": "same key ({key}) as row {first}; only the first is kept",
    },
    "ingest_reason_also": {"zh": "；另外 {text}", "en": "; also {text}"},
    "ingest_reason_column": {"zh": "列 {column!r}", "en": "column {column!r}"},
    # -- row reasons --
    "ingest_reason_total": {
        "zh": "合计行（{word}），不是数据行",
        "en": "total row ({word}), not a data row",
    },
    "ingest_reason_future": {
        "zh": "{column} 晚于今天（{today}）；请检查年份",
        "en": "{column} is after today ({today}); check the year",
    },
    "ingest_reason_far_future": {
        "zh": "{column} 比今天（{today}）晚 {years} 年以上；请检查年份",
        "en": "{column} is more than {years} years after today ({today}); check the year",
    },
    "ingest_reason_before_floor": {
        "zh": "{column} 早于 {floor}；请检查年份（或用 --date-floor 调整下限）",
        "en": "{column} is before {floor}; check the year (or lower the floor with --date-floor)",
    },
    "ingest_reason_huge": {
        "zh": "{column} 的绝对值达到或超过 {limit}，不可信（求和会溢出）",
        "en": "{column} has a magnitude of {limit} or more, not plausible (sums would overflow)",
    },
    "ingest_reason_control_id": {
        "zh": "{column} 含有控制字符（如 NUL、换行、转义符）；请修正编号",
        "en": "{column} holds a control character (NUL, line break, escape …); correct the id",
    },
    "ingest_reason_nul": {
        "zh": "{column} 含有 NUL 字节；请修正该值",
        "en": "{column} holds a NUL byte; correct the value",
    },
    "ingest_flag_outlier": {
        "zh": "金额 {value} 超过本文件金额第 99 百分位数的 1000 倍（{limit}）；已接受，请核对",
        "en": "amount {value} is over 1,000 times the file's 99th percentile of amounts "
        "({limit}); accepted, please check it",
    },
    # -- the report --
    "ingest_summary": {
        "zh": "{table} ← {file}：读取 {read} 行 = 接受 {accepted} 行 + 拒绝 {rejected} 行"
        "（{mode}）",
        "en": "{table} ← {file}: {read} rows read = {accepted} accepted + {rejected} rejected "
        "({mode})",
    },
    "ingest_mode_replace": {"zh": "替换整表", "en": "replace"},
    "ingest_mode_upsert": {"zh": "按键更新", "en": "upsert"},
    "ingest_detected": {
        "zh": "读取方式：编码 {encoding}，分隔符 {delimiter}，表头在第 {header} 行",
        "en": "Read as: encoding {encoding}, delimiter {delimiter}, header on line {header}",
    },
    "ingest_derived_order_id": {
        "zh": "文件没有订单号：按“客户 + 日期”生成订单号（每个客户每天一个订单，"
        "例如 {example}），同一天的各行是该订单的明细行。",
        "en": "The file has no order number: order_id was derived as one order per customer and "
        "date (e.g. {example}); the lines of that day are its lines.",
    },
    "ingest_derived_invoice_id": {
        "zh": "文件没有发票号：按 {basis} + 到期日生成了稳定的发票号（例如 {example}）。",
        "en": "The file has no invoice number: invoice_id was derived from {basis} and the due "
        "date (e.g. {example}).",
    },
    "ingest_basis_order": {"zh": "订单号（{header}）", "en": "the order number ({header})"},
    "ingest_basis_customer": {"zh": "客户编号", "en": "the customer id"},
    "ingest_repeated_lines": {
        "zh": "{n} 行与同一客户同一天的另一行完全相同；文件没有订单号无法区分，已全部保留。",
        "en": "{n} lines repeat another line of the same customer and day exactly; without an "
        "order number they cannot be told apart, so all were kept.",
    },
    "ingest_rejected_title": {"zh": "被拒绝的行（前 10 行）", "en": "Rejected rows (first 10)"},
    "ingest_flagged_title": {
        "zh": "已接受但需核对的行（前 10 行）",
        "en": "Accepted rows to check (first 10)",
    },
    "ingest_col_row": {"zh": "行号", "en": "row"},
    "ingest_col_column": {"zh": "列", "en": "column"},
    "ingest_col_value": {"zh": "值", "en": "value"},
    "ingest_col_reason": {"zh": "原因", "en": "reason"},
    "ingest_rejects_written": {
        "zh": "全部 {n} 条被拒绝的行已写入 {path}",
        "en": "All {n} rejected rows written to {path}",
    },
    "ingest_rejects_hint": {
        "zh": "用 --rejects-out 文件.csv 写出全部被拒绝的行，或运行 `custseg rejects` 查看。",
        "en": "Write them all with --rejects-out FILE.csv, or see `custseg rejects`.",
    },
    "ingest_delim_whitespace": {"zh": "连续空白", "en": "runs of whitespace"},
    "ingest_delim_tab": {"zh": "制表符", "en": "tab"},
}
