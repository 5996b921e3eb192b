// The carrier webhook handler (engine/carrier/webhooks.cpp) on arbitrary form bodies: the form decoded as the HTTP
// layer decodes it, turned into routing input and routed through a real Router, Proxy and simulator carrier over a
// temporary SQLite store (no HTTP, no live server). The first input byte picks the endpoint (Twilio SMS, voice,
// status; simulator SMS, voice; an unknown path), the second whether signatures are checked; the rest is the body.
// Seeded with a session whose participants text each other, so inputs reach the whole inbound pipeline. Properties:
// every request is answered exactly once, with a status the endpoint documents, and nothing ever fails as internal.

#include <cstdint>
#include <cstdio>

#include <QTemporaryDir>

#include "../engine/trafficfixture.h"
#include "fuzzcheck.h"
#include "http/carrierwebhooks.h"
#include "http/formdata.h"

using namespace Maskline;
using namespace Maskline::Testing;

namespace {

struct World
{
    QTemporaryDir dir;
    TrafficFixture fixture;
    std::unique_ptr<CarrierWebhooks> checked;
    std::unique_ptr<CarrierWebhooks> unchecked;
    Q_DISABLE_COPY_MOVE(World)

    World()
    {
        Fuzz::app();
        fixture.open(dir.filePath(QStringLiteral("fuzz.db")));
        const Service service = fixture.service();
        fixture.number(service, QStringLiteral("+14155550100"));
        fixture.number(service, QStringLiteral("+14155550101"));
        fixture.party(service, QStringLiteral("+14155551111"), QStringLiteral("+14155552222"), {},
                      QStringLiteral("+14155550100"), QStringLiteral("+14155550101"));
        WebhookConfig on;
        on.verifySignatures = true;
        WebhookConfig off;
        off.verifySignatures = false;
        checked = std::make_unique<CarrierWebhooks>(*fixture.router, on);
        unchecked = std::make_unique<CarrierWebhooks>(*fixture.router, off);
    }
};

// Destroyed at exit (the QCoreApplication outlives it), so LeakSanitizer sees only what an input leaked.
World &world()
{
    static World w;
    return w;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2) {
        return 0;
    }
    World &w = world();
    static const QString paths[] = {CarrierWebhooks::TWILIO_SMS,      CarrierWebhooks::TWILIO_VOICE,
                                    CarrierWebhooks::TWILIO_STATUS,   CarrierWebhooks::SIMULATOR_SMS,
                                    CarrierWebhooks::SIMULATOR_VOICE, QStringLiteral("/carrier/twilio/other")};
    const QString path = paths[data[0] % 6];
    const QByteArray body(reinterpret_cast<const char *>(data + 2), qsizetype(size - 2));
    const FormData form = FormData::parse(body);

    WebhookRequest request;
    request.path = path;
    request.method = (data[0] & 0x80) ? QStringLiteral("GET") : QStringLiteral("POST");
    request.baseUrl = QStringLiteral("http://127.0.0.1:8080");
    request.url = request.baseUrl + path;
    request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}, {"X-Twilio-Signature", body.left(28)}};
    request.form = form.items();
    request.body = body;
    if (path.startsWith(u"/carrier/simulator/")) {
        request.accountSid = w.fixture.account.sid;
    }
    CarrierWebhooks &webhooks = (data[1] & 1) ? *w.checked : *w.unchecked;

    int answers = 0;
    WebhookResponse response;
    webhooks.handle(request, [&](const WebhookResponse &r) {
        ++answers;
        response = r;
    });
    // A call may wait for a callback; none is configured, so it is answered within this turn of the event loop.
    QCoreApplication::processEvents();
    FUZZ_CHECK(answers <= 1);
    if (answers == 1) {
        const int s = response.status;
        if (!(s == 200 || s == 204 || s == 400 || s == 403 || s == 404 || s == 405)) {
            std::fprintf(stderr, "%s answered %d: %s\n", qPrintable(path), s, response.body.left(400).constData());
        }
        FUZZ_CHECK(s == 200 || s == 204 || s == 400 || s == 403 || s == 404 || s == 405);
    }
    return 0;
}
