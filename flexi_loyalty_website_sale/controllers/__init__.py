from . import main, referral
