from django.urls import path

from otklik.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("otp/", views.otp_verify, name="otp_verify"),
    path("security/", views.security, name="security"),
    path("password/", views.password_change, name="password_change"),
    path("users/", views.user_list_view, name="user_list"),
]
