"""SMS gateways, one module each, behind one small interface (`base.Gateway`); `SMS_PROVIDER` picks one."""
