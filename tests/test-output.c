/* Outputs without a device: which device a name asks for. */
#include "helpers.h"
#include "output.h"

static void test_a_device_by_its_name_or_a_word_of_it(void **state) {
        assert_int_equal(output_name_match("default", "default"), 2);
        assert_int_equal(output_name_match("Default", "default"), 2);
        assert_int_equal(output_name_match("QEMU USB Audio: - (hw:1,0)", "USB Audio"), 1);
        assert_int_equal(output_name_match("QEMU USB Audio: - (hw:1,0)", "usb"), 1);
        assert_int_equal(output_name_match("QEMU USB Audio: - (hw:1,0)", "hw:1,0"), 1);
        assert_int_equal(output_name_match("QEMU USB Audio: - (hw:1,0)", "QEMU"), 1);
        assert_int_equal(output_name_match("Loopback: PCM (hw:0,0)", "hw:1,0"), 0);
}

/* With the sound server gone, its "default" is not listed, and the card's own "sysdefault"
 * is: taking it would play around the server and keep the card from it when it is back. */
static void test_default_is_not_sysdefault(void **state) {
        assert_int_equal(output_name_match("sysdefault", "default"), 0);
        assert_int_equal(output_name_match("sysdefault:CARD=Loopback", "default"), 0);
        assert_int_equal(output_name_match("dmix", "mix"), 0);
        assert_int_equal(output_name_match("anything", ""), 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_a_device_by_its_name_or_a_word_of_it),
                cmocka_unit_test(test_default_is_not_sysdefault),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
