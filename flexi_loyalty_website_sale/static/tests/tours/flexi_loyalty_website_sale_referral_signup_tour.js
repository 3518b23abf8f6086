import { registry } from "@web/core/registry";

const landing = ".o_flexi_loyalty_referral_landing";
const signup = "form.oe_signup_form";

/**
 * Samir opens a member's referral link as a visitor: the page invites him
 * and tells him of the welcome voucher, he creates his account and lands on
 * his loyalty page, which says his welcome voucher was sent to him.
 */
registry.category("web_tour.tours").add("flexi_loyalty_website_sale_referral_signup_tour", {
    steps: () => [
        {
            content: "A friend invites him, with a welcome voucher",
            trigger: `${landing} h3:contains(A friend invites you to)`,
        },
        {
            content: "The page gives the invitation code",
            trigger: `${landing} .o_flexi_loyalty_referral_landing_code:not(:empty)`,
        },
        {
            content: "He creates his account",
            trigger: `${landing} a.o_flexi_loyalty_referral_signup:contains(Create my account)`,
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "His email",
            trigger: `${signup} input[name='login']`,
            run: "edit samir.new@example.com",
        },
        {
            content: "His name",
            trigger: `${signup} input[name='name']`,
            run: "edit Samir Kaci",
        },
        {
            content: "A password",
            trigger: `${signup} input[name='password']`,
            run: "edit samir-secret-2026",
        },
        {
            content: "The password again",
            trigger: `${signup} input[name='confirm_password']`,
            run: "edit samir-secret-2026",
        },
        {
            content: "Sign up",
            trigger: `${signup} button[type='submit']`,
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "His loyalty page says his welcome voucher was sent",
            trigger: ".o_flexi_loyalty_referral_message:contains(Your welcome voucher)",
        },
    ],
});
