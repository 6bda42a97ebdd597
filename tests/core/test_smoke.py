def test_dashboard_in_chinese_for_department_user(client, staff):
    client.force_login(staff)
    response = client.get("/")
    assert response.status_code == 200
    assert "工作台" in response.content.decode()
