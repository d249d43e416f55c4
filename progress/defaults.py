"""The default message templates, in Chinese as the customers read them. Written by migration 0003 and
again after every migrate or test flush (post_migrate, progress/apps.py) when a code is missing: an edit
in the admin is never overwritten, a deleted default comes back (deactivate it instead)."""
DEFAULTS = (
    # code, name, subject, body
    ("received", "已受理", "服务工单{ticket_no}已受理",
     "{customer}您好，我们已受理您的服务请求，工单号{ticket_no}。查询进度：{progress_url} 如有疑问请致电{hotline}。"),
    ("engineer_on_way", "工程师已出发", "工程师已出发：工单{ticket_no}",
     "{customer}您好，工程师已出发，上门时间{visit_window}，请保持电话畅通。工单号{ticket_no}，服务热线{hotline}。"),
    ("repair_done", "维修完成", "工单{ticket_no}已维修完成",
     "{customer}您好，您的工单{ticket_no}已维修完成，我们稍后会电话回访确认。查询进度：{progress_url} 服务热线{hotline}。"),
    ("refund_paid", "退款已支付", "工单{ticket_no}退款已支付",
     "{customer}您好，工单{ticket_no}的退款{amount}已支付，请注意查收，到账时间以银行为准。如有疑问请致电{hotline}。"),
)


def message_templates_ensure(**kwargs) -> None:
    from .models import MessageTemplate  # post_migrate runs after the app registry is ready

    for position, (code, name, subject, body) in enumerate(DEFAULTS):
        MessageTemplate.objects.get_or_create(code=code, defaults={
            "name": name, "subject": subject, "body": body, "position": (position + 1) * 10})
