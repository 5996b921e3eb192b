#include "settingsdialog.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QFontDatabase>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHostAddress>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QUrl>
#include <QVBoxLayout>

#include "core/sid.h"
#include "translations.h"

using namespace Qt::Literals::StringLiterals;

namespace Maskline {

namespace {
struct Key
{
    QString setting;
    const char *env;
};
const Key LISTEN{u"engine/listen"_s, "MASKLINE_LISTEN"};
const Key PUBLIC_URL{u"engine/public_url"_s, "MASKLINE_PUBLIC_URL"};
const Key CARRIER{u"engine/carrier"_s, "MASKLINE_CARRIER"};
const Key TWILIO_SID{u"engine/twilio_account_sid"_s, "MASKLINE_TWILIO_ACCOUNT_SID"};
const Key TWILIO_TOKEN{u"engine/twilio_auth_token"_s, "MASKLINE_TWILIO_AUTH_TOKEN"};
const Key TWILIO_API{u"engine/twilio_api_url"_s, "MASKLINE_TWILIO_API_URL"};
const Key SIGNATURES{u"engine/webhook_signature"_s, "MASKLINE_WEBHOOK_SIGNATURE"};
const Key DEBUGGER_RETENTION{u"engine/debugger_retention_days"_s, "MASKLINE_DEBUGGER_RETENTION_DAYS"};
const Key SESSION_RETENTION{u"engine/session_retention_days"_s, "MASKLINE_SESSION_RETENTION_DAYS"};

const QString TOKEN_FILE = u"twilio-auth-token"_s;

QString readToken(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        return {};
    }
    return QString::fromUtf8(f.readAll()).trimmed();
}

// Written with mode 0600 from the start (never briefly readable by others); an empty token removes the file.
bool writeToken(const QString &path, const QString &token)
{
    if (token.isEmpty()) {
        return !QFile::exists(path) || QFile::remove(path);
    }
    QDir().mkpath(QFileInfo(path).absolutePath());
    constexpr QFile::Permissions OWNER_ONLY = QFile::ReadOwner | QFile::WriteOwner;
    QFile f(path);
    if (f.exists()) {
        f.setPermissions(OWNER_ONLY);
    }
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate, OWNER_ONLY)) {
        return false;
    }
    f.setPermissions(OWNER_ONLY);
    return f.write(token.toUtf8()) >= 0 && f.flush();
}

bool isHttpUrl(const QString &text)
{
    const QUrl url(text, QUrl::StrictMode);
    return url.isValid() && !url.host().isEmpty() && (url.scheme() == u"https"_s || url.scheme() == u"http"_s);
}

// The same shapes Cli::parseListen accepts: host:port, [v6]:port, :port.
bool isListenAddress(const QString &text)
{
    const qsizetype colon = text.lastIndexOf(u':');
    if (colon < 0) {
        return false;
    }
    bool ok = false;
    const uint port = text.mid(colon + 1).toUInt(&ok);
    if (!ok || port > 65535) {
        return false;
    }
    QString host = text.left(colon);
    if (host.startsWith(u'[') && host.endsWith(u']')) {
        host = host.mid(1, host.size() - 2);
    }
    return host.isEmpty() || host == u"localhost"_s || !QHostAddress(host).isNull();
}
} // namespace

QString ConsoleSettings::tokenFilePath(const QSettings &settings)
{
    return QFileInfo(settings.fileName()).absoluteDir().filePath(TOKEN_FILE);
}

QStringList ConsoleSettings::webhookUrls(const QString &publicUrl)
{
    QString base = publicUrl.trimmed();
    while (base.endsWith(u'/')) {
        base.chop(1);
    }
    if (base.isEmpty()) {
        return {};
    }
    return {base + u"/carrier/twilio/sms"_s, base + u"/carrier/twilio/voice"_s, base + u"/carrier/twilio/status"_s};
}

QList<SettingsProblem> ConsoleSettings::validate() const
{
    using F = SettingsProblem::Field;
    QList<SettingsProblem> problems;
    if (!listen.isEmpty() && !isListenAddress(listen)) {
        problems.append({F::Listen, QCoreApplication::translate("Maskline::SettingsDialog",
                                                                "The listen address must be host:port, e.g. "
                                                                "127.0.0.1:8080.")});
    }
    if (!publicUrl.isEmpty() && !isHttpUrl(publicUrl)) {
        problems.append({F::PublicUrl, QCoreApplication::translate("Maskline::SettingsDialog",
                                                                   "The public URL must start with https:// or "
                                                                   "http:// and name a host.")});
    }
    // The engine refuses a malformed account SID even while the simulator carries the traffic.
    if ((carrier == u"twilio"_s || !twilioAccountSid.isEmpty()) && !Sid::isValid(twilioAccountSid, Sid::ACCOUNT)) {
        problems.append({F::TwilioAccountSid,
                         QCoreApplication::translate("Maskline::SettingsDialog",
                                                     "The Twilio account SID is AC followed by 32 hex digits (see "
                                                     "the Twilio console's Account Info).")});
    }
    if (carrier != u"twilio"_s) {
        return problems;
    }
    if (twilioAuthToken.isEmpty()) {
        problems.append({F::TwilioAuthToken, QCoreApplication::translate("Maskline::SettingsDialog",
                                                                         "The Twilio auth token is required.")});
    }
    if (!twilioApiUrl.isEmpty() && !isHttpUrl(twilioApiUrl)) {
        problems.append({F::TwilioApiUrl, QCoreApplication::translate("Maskline::SettingsDialog",
                                                                      "The Twilio API URL must be an http or https "
                                                                      "URL.")});
    }
    if (checkSignatures && publicUrl.isEmpty()) {
        problems.append(
            {F::PublicUrl, QCoreApplication::translate("Maskline::SettingsDialog",
                                                       "A public URL is required while signatures are checked: Twilio "
                                                       "signs the URL it calls, so Maskline must know it.")});
    }
    return problems;
}

ConsoleSettings ConsoleSettings::load(QSettings &s)
{
    ConsoleSettings c;
    c.listen = s.value(LISTEN.setting).toString();
    c.publicUrl = s.value(PUBLIC_URL.setting).toString();
    c.carrier = s.value(CARRIER.setting, u"simulator"_s).toString();
    c.twilioAccountSid = s.value(TWILIO_SID.setting).toString();
    c.twilioAuthToken = readToken(tokenFilePath(s));
    if (s.contains(TWILIO_TOKEN.setting)) {
        // An older version kept the token in the (world-readable) settings file: move it to the owner-only file.
        const QString legacy = s.value(TWILIO_TOKEN.setting).toString();
        if (c.twilioAuthToken.isEmpty()) {
            c.twilioAuthToken = legacy;
        }
        if (writeToken(tokenFilePath(s), c.twilioAuthToken)) {
            s.remove(TWILIO_TOKEN.setting);
        }
    }
    c.twilioApiUrl = s.value(TWILIO_API.setting).toString();
    c.checkSignatures = s.value(SIGNATURES.setting, u"on"_s).toString() != u"off"_s;
    c.debuggerRetentionDays = s.value(DEBUGGER_RETENTION.setting, 30).toInt();
    c.sessionRetentionDays = s.value(SESSION_RETENTION.setting, 90).toInt();
    c.language = s.value(u"console/language"_s).toString();
    return c;
}

void ConsoleSettings::save(QSettings &s) const
{
    auto put = [&s](const Key &key, const QString &value) {
        if (value.isEmpty()) {
            s.remove(key.setting);
        } else {
            s.setValue(key.setting, value);
        }
    };
    put(LISTEN, listen);
    put(PUBLIC_URL, publicUrl);
    put(CARRIER, carrier);
    put(TWILIO_SID, twilioAccountSid);
    s.remove(TWILIO_TOKEN.setting);
    writeToken(tokenFilePath(s), twilioAuthToken);
    put(TWILIO_API, twilioApiUrl);
    put(SIGNATURES, checkSignatures ? u"on"_s : u"off"_s);
    put(DEBUGGER_RETENTION, QString::number(debuggerRetentionDays));
    put(SESSION_RETENTION, QString::number(sessionRetentionDays));
    if (language.isEmpty()) {
        s.remove(u"console/language"_s);
    } else {
        s.setValue(u"console/language"_s, language);
    }
}

QList<QByteArray> ConsoleSettings::applyToEnvironment(QSettings &s) const
{
    QList<QByteArray> set;
    for (const Key *key : {&LISTEN, &PUBLIC_URL, &CARRIER, &TWILIO_SID, &TWILIO_API, &SIGNATURES, &DEBUGGER_RETENTION,
                           &SESSION_RETENTION}) {
        if (!s.contains(key->setting) || qEnvironmentVariableIsSet(key->env)) {
            continue;
        }
        qputenv(key->env, s.value(key->setting).toString().toUtf8());
        set.append(key->env);
    }
    if (!twilioAuthToken.isEmpty() && !qEnvironmentVariableIsSet(TWILIO_TOKEN.env)) {
        qputenv(TWILIO_TOKEN.env, twilioAuthToken.toUtf8());
        set.append(TWILIO_TOKEN.env);
    }
    return set;
}

void ConsoleSettings::clearEnvironment(const QList<QByteArray> &variables)
{
    for (const QByteArray &name : variables) {
        qunsetenv(name.constData());
    }
}

QString ConsoleSettings::effectiveCarrier()
{
    const QString env = qEnvironmentVariable("MASKLINE_CARRIER");
    if (!env.isEmpty()) {
        return env;
    }
    return qEnvironmentVariableIsSet("MASKLINE_TWILIO_ACCOUNT_SID") ? u"twilio"_s : u"simulator"_s;
}

// ---------------------------------------------------------------------------------------------------------------

SettingsDialog::SettingsDialog(const ConsoleSettings &s, QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Settings"));
    auto *layout = new QVBoxLayout(this);
    auto *note = new QLabel(tr("<b>These settings apply the next time Maskline starts.</b> Command-line flags and "
                               "MASKLINE_* environment variables override them."),
                            this);
    note->setWordWrap(true);
    layout->addWidget(note);

    auto *http = new QGroupBox(tr("HTTP"), this);
    auto *httpForm = new QFormLayout(http);
    m_listen = new QLineEdit(s.listen, http);
    m_listen->setPlaceholderText(u"127.0.0.1:8080"_s);
    m_publicUrl = new QLineEdit(s.publicUrl, http);
    m_publicUrl->setPlaceholderText(tr("https://proxy.example.com (default: from each request's Host)"));
    httpForm->addRow(tr("&Listen address:"), m_listen);
    httpForm->addRow(tr("&Public URL:"), m_publicUrl);
    layout->addWidget(http);

    auto *carrier = new QGroupBox(tr("Carrier"), this);
    auto *carrierForm = new QFormLayout(carrier);
    m_carrier = new QComboBox(carrier);
    m_carrier->addItem(tr("Built-in simulator (no real messages)"), u"simulator"_s);
    m_carrier->addItem(tr("Twilio Programmable Messaging and Voice"), u"twilio"_s);
    m_carrier->setCurrentIndex(std::max(0, m_carrier->findData(s.carrier)));
    m_twilioSid = new QLineEdit(s.twilioAccountSid, carrier);
    m_twilioSid->setPlaceholderText(u"AC…"_s);
    m_twilioToken = new QLineEdit(s.twilioAuthToken, carrier);
    m_twilioToken->setObjectName(u"twilioToken"_s);
    m_revealToken = makeRevealButton(m_twilioToken, carrier);
    auto *tokenRow = new QHBoxLayout;
    tokenRow->addWidget(m_twilioToken, 1);
    tokenRow->addWidget(m_revealToken);
    m_twilioApi = new QLineEdit(s.twilioApiUrl, carrier);
    m_twilioApi->setPlaceholderText(u"https://api.twilio.com"_s);
    m_signatures = new QCheckBox(tr("Check X-Twilio-Signature on carrier webhooks"), carrier);
    m_signatures->setChecked(s.checkSignatures);
    carrierForm->addRow(tr("&Carrier:"), m_carrier);
    carrierForm->addRow(tr("Twilio account &SID:"), m_twilioSid);
    auto *tokenLabel = new QLabel(tr("Twilio auth &token:"), carrier);
    tokenLabel->setBuddy(m_twilioToken); // a row of two widgets gets no buddy by itself
    carrierForm->addRow(tokenLabel, tokenRow);
    carrierForm->addRow(tr("Twilio &API URL:"), m_twilioApi);
    carrierForm->addRow(QString(), m_signatures);
    m_webhooks = new QLabel(carrier);
    m_webhooks->setWordWrap(true);
    m_webhooks->setTextFormat(Qt::RichText);
    m_webhooks->setTextInteractionFlags(Qt::TextSelectableByMouse);
    carrierForm->addRow(m_webhooks);
    layout->addWidget(carrier);

    auto *retention = new QGroupBox(tr("Retention"), this);
    auto *retentionForm = new QFormLayout(retention);
    m_debuggerRetention = new QSpinBox(retention);
    m_debuggerRetention->setRange(1, 3650);
    m_debuggerRetention->setSuffix(tr(" days"));
    m_debuggerRetention->setValue(s.debuggerRetentionDays);
    m_sessionRetention = new QSpinBox(retention);
    m_sessionRetention->setRange(1, 3650);
    m_sessionRetention->setSuffix(tr(" days"));
    m_sessionRetention->setValue(s.sessionRetentionDays);
    retentionForm->addRow(tr("Keep &debugger events:"), m_debuggerRetention);
    retentionForm->addRow(tr("Keep c&losed sessions:"), m_sessionRetention);
    layout->addWidget(retention);

    auto *language = new QGroupBox(tr("Language"), this);
    auto *languageForm = new QFormLayout(language);
    m_language = new QComboBox(language);
    m_language->addItem(tr("System default"), QString());
    for (const auto &[code, name] : Translations::available()) {
        m_language->addItem(name, code);
    }
    m_language->setCurrentIndex(std::max(0, m_language->findData(s.language)));
    languageForm->addRow(tr("&Language:"), m_language);
    layout->addWidget(language);

    m_problems = new QLabel(this);
    m_problems->setWordWrap(true);
    m_problems->setTextFormat(Qt::RichText);
    m_problems->setStyleSheet(
        u"QLabel { color: #b71c1c; background: #fdecea; border: 1px solid #f5c2c0; padding: 4px; }"_s);
    layout->addWidget(m_problems);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &SettingsDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_carrier, &QComboBox::currentIndexChanged, this, &SettingsDialog::updateCarrierFields);
    for (QLineEdit *e : {m_listen, m_publicUrl, m_twilioSid, m_twilioToken, m_twilioApi}) {
        connect(e, &QLineEdit::textChanged, this, &SettingsDialog::validateFields);
    }
    connect(m_signatures, &QCheckBox::toggled, this, &SettingsDialog::validateFields);
    updateCarrierFields();
    setMinimumWidth(640);
    resize(680, sizeHint().height());
}

QPushButton *SettingsDialog::saveButton() const
{
    return m_buttons->button(QDialogButtonBox::Save);
}

void SettingsDialog::validateFields()
{
    using F = SettingsProblem::Field;
    const ConsoleSettings current = settings();
    const QList<SettingsProblem> problems = current.validate();
    QStringList lines;
    QList<F> bad;
    for (const SettingsProblem &p : problems) {
        lines.append(p.message.toHtmlEscaped());
        bad.append(p.field);
    }
    const std::pair<F, QLineEdit *> fields[] = {{F::Listen, m_listen},
                                                {F::PublicUrl, m_publicUrl},
                                                {F::TwilioAccountSid, m_twilioSid},
                                                {F::TwilioAuthToken, m_twilioToken},
                                                {F::TwilioApiUrl, m_twilioApi}};
    for (const auto &[field, edit] : fields) {
        edit->setStyleSheet(bad.contains(field) ? u"QLineEdit { border: 1px solid #c62828; }"_s : QString());
    }
    m_problems->setText(lines.join(u"<br>"_s));
    m_problems->setVisible(!lines.isEmpty());
    saveButton()->setEnabled(lines.isEmpty());

    const bool twilio = current.carrier == u"twilio"_s;
    const QStringList urls = ConsoleSettings::webhookUrls(current.publicUrl);
    if (!twilio) {
        m_webhooks->setVisible(false);
    } else if (urls.isEmpty()) {
        m_webhooks->setText(tr("Set the public URL above to see the webhook URLs to paste into Twilio."));
        m_webhooks->setVisible(true);
    } else {
        m_webhooks->setText(
            tr("In the Twilio console, set each pool number's webhooks to:<br>"
               "A message comes in: <code>%1</code><br>A call comes in: <code>%2</code><br>"
               "Status callback: <code>%3</code>")
                .arg(urls.at(0).toHtmlEscaped(), urls.at(1).toHtmlEscaped(), urls.at(2).toHtmlEscaped()));
        m_webhooks->setVisible(true);
    }
}

void SettingsDialog::accept()
{
    validateFields();
    if (!saveButton()->isEnabled()) {
        return;
    }
    QDialog::accept();
}

void SettingsDialog::updateCarrierFields()
{
    const bool twilio = m_carrier->currentData().toString() == u"twilio"_s;
    for (QWidget *w : {static_cast<QWidget *>(m_twilioSid), static_cast<QWidget *>(m_twilioToken),
                       static_cast<QWidget *>(m_twilioApi), static_cast<QWidget *>(m_signatures)}) {
        w->setEnabled(twilio);
    }
    m_revealToken->setEnabled(twilio);
    validateFields();
}

ConsoleSettings SettingsDialog::settings() const
{
    ConsoleSettings s;
    s.listen = m_listen->text().trimmed();
    s.publicUrl = m_publicUrl->text().trimmed();
    s.carrier = m_carrier->currentData().toString();
    s.twilioAccountSid = m_twilioSid->text().trimmed();
    s.twilioAuthToken = m_twilioToken->text().trimmed();
    s.twilioApiUrl = m_twilioApi->text().trimmed();
    s.checkSignatures = m_signatures->isChecked();
    s.debuggerRetentionDays = m_debuggerRetention->value();
    s.sessionRetentionDays = m_sessionRetention->value();
    s.language = m_language->currentData().toString();
    return s;
}

// ---------------------------------------------------------------------------------------------------------------

CredentialsDialog::CredentialsDialog(const Account &account, const QString &listenUrl, QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Credentials"));
    auto *layout = new QVBoxLayout(this);
    auto *intro = new QLabel(tr("Point a Twilio helper library at Maskline with these credentials and set "
                                "<code>client.proxy.baseUrl = '%1'</code>.")
                                 .arg(listenUrl.toHtmlEscaped()),
                             this);
    intro->setWordWrap(true);
    intro->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(intro);
    auto *form = new QFormLayout;
    const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    auto addRow = [&](const QString &label, const QString &value, const QString &objectName, bool secret) {
        auto *row = new QHBoxLayout;
        auto *edit = new QLineEdit(value, this);
        edit->setReadOnly(true);
        edit->setFont(mono);
        edit->setObjectName(objectName);
        edit->setMinimumWidth(edit->fontMetrics().horizontalAdvance(value) + 24);
        if (secret) {
            row->addWidget(edit, 1);
            row->addWidget(makeRevealButton(edit, this));
        }
        auto *copy = new QPushButton(tr("Copy"), this);
        copy->setObjectName(objectName + u"Copy"_s);
        connect(copy, &QPushButton::clicked, this, [value]() { QApplication::clipboard()->setText(value); });
        if (!secret) {
            row->addWidget(edit, 1);
        }
        row->addWidget(copy);
        form->addRow(label, row);
    };
    addRow(tr("Account SID:"), account.sid, u"accountSid"_s, false);
    addRow(tr("Auth token:"), account.authToken, u"authToken"_s, true);
    addRow(tr("API base URL:"), listenUrl, u"baseUrl"_s, false);
    layout->addLayout(form);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
}

// ---------------------------------------------------------------------------------------------------------------

QPushButton *makeRevealButton(QLineEdit *edit, QWidget *parent)
{
    edit->setEchoMode(QLineEdit::Password);
    auto *reveal = new QPushButton(QCoreApplication::translate("Maskline::SettingsDialog", "Show"), parent);
    reveal->setObjectName(edit->objectName() + u"Reveal"_s);
    reveal->setCheckable(true);
    reveal->setToolTip(QCoreApplication::translate("Maskline::SettingsDialog", "Show or hide the secret"));
    QObject::connect(reveal, &QPushButton::toggled, edit, [edit, reveal](bool shown) {
        edit->setEchoMode(shown ? QLineEdit::Normal : QLineEdit::Password);
        reveal->setText(shown ? QCoreApplication::translate("Maskline::SettingsDialog", "Hide")
                              : QCoreApplication::translate("Maskline::SettingsDialog", "Show"));
    });
    return reveal;
}

// ---------------------------------------------------------------------------------------------------------------

StartupProblemDialog::StartupProblemDialog(const QString &error, const QList<SettingsProblem> &problems,
                                           QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Maskline cannot start with the saved settings"));
    auto *layout = new QVBoxLayout(this);
    QStringList lines;
    for (const SettingsProblem &p : problems) {
        lines.append(u"• "_s + p.message.toHtmlEscaped());
    }
    if (lines.isEmpty()) {
        lines.append(error.toHtmlEscaped());
    }
    m_message = new QLabel(tr("<b>The engine cannot start with the settings saved in Engine ▸ Settings:</b><br>%1"
                              "<br><br>Fix them now, or start this time with the built-in simulator (no real "
                              "messages; the saved settings stay as they are).")
                               .arg(lines.join(u"<br>"_s)),
                           this);
    m_message->setWordWrap(true);
    m_message->setTextFormat(Qt::RichText);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_message);
    auto *buttons = new QDialogButtonBox(this);
    m_fix = buttons->addButton(tr("&Fix settings…"), QDialogButtonBox::AcceptRole);
    m_simulator = buttons->addButton(tr("Start with the &simulator"), QDialogButtonBox::ApplyRole);
    QPushButton *quit = buttons->addButton(tr("&Quit"), QDialogButtonBox::RejectRole);
    m_fix->setDefault(true);
    layout->addWidget(buttons);
    connect(m_fix, &QPushButton::clicked, this, [this]() {
        m_choice = FixSettings;
        QDialog::accept();
    });
    connect(m_simulator, &QPushButton::clicked, this, [this]() {
        m_choice = StartWithSimulator;
        QDialog::accept();
    });
    connect(quit, &QPushButton::clicked, this, [this]() {
        m_choice = Quit;
        QDialog::reject();
    });
    setMinimumWidth(560);
}

} // namespace Maskline
