"""What marks generated rows (usernames ``gen.…``, department codes ``G…``) and their history."""

USERNAME_PREFIX = "gen."
DEPARTMENT_CODE_PREFIX = "G"
CHANGE_REASON = "generate_data 生成的测试数据"
