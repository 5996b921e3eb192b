#pragma once

#include <QDialog>

#include "store/records.h"

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSettings;
class QSpinBox;

namespace Maskline {

// One reason a configuration cannot start the engine, in words, with the setting it is about.
struct SettingsProblem
{
    enum class Field
    {
        Listen,
        PublicUrl,
        TwilioAccountSid,
        TwilioAuthToken,
        TwilioApiUrl,
    };
    Field field;
    QString message;
};

// The engine settings the console keeps in QSettings (group "engine"). They are applied on the next start, as
// MASKLINE_* environment variables the engine's own configuration reads, so command-line flags and variables already
// set in the environment still win. The Twilio auth token is never written to QSettings: it lives in its own file
// readable by the user only (mode 0600, see tokenFilePath()); a token an older version left in QSettings is moved
// there on the first load.
struct ConsoleSettings
{
    QString listen;                 // MASKLINE_LISTEN
    QString publicUrl;              // MASKLINE_PUBLIC_URL
    QString carrier;                // MASKLINE_CARRIER: "simulator" | "twilio"
    QString twilioAccountSid;       // MASKLINE_TWILIO_ACCOUNT_SID
    QString twilioAuthToken;        // MASKLINE_TWILIO_AUTH_TOKEN
    QString twilioApiUrl;           // MASKLINE_TWILIO_API_URL
    bool checkSignatures = true;    // MASKLINE_WEBHOOK_SIGNATURE=on|off
    int debuggerRetentionDays = 30; // MASKLINE_DEBUGGER_RETENTION_DAYS
    int sessionRetentionDays = 90;  // MASKLINE_SESSION_RETENTION_DAYS
    QString language;               // the console's own: "" (the system's), "en" or "de"

    static ConsoleSettings load(QSettings &settings);
    void save(QSettings &settings) const;
    // Exports each setting the user saved as its MASKLINE_* variable unless that variable is already set, and
    // returns the names of the variables it set (for clearEnvironment()).
    QList<QByteArray> applyToEnvironment(QSettings &settings) const;
    static void clearEnvironment(const QList<QByteArray> &variables);
    // "simulator" or "twilio", as the engine will start with it (environment first).
    static QString effectiveCarrier();
    // Everything that would keep the engine from starting with these settings; empty when they are usable.
    QList<SettingsProblem> validate() const;
    // The file beside the settings file that holds the Twilio auth token (mode 0600).
    static QString tokenFilePath(const QSettings &settings);
    // The carrier webhook URLs to paste into the Twilio console for this public URL (empty without one).
    static QStringList webhookUrls(const QString &publicUrl);
};

class SettingsDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SettingsDialog)

public:
    explicit SettingsDialog(const ConsoleSettings &settings, QWidget *parent = nullptr);
    ConsoleSettings settings() const;

    QLineEdit *listenEdit() const { return m_listen; }
    QLineEdit *publicUrlEdit() const { return m_publicUrl; }
    QComboBox *carrierCombo() const { return m_carrier; }
    QLineEdit *twilioSidEdit() const { return m_twilioSid; }
    QLineEdit *twilioTokenEdit() const { return m_twilioToken; }
    QPushButton *revealTokenButton() const { return m_revealToken; }
    QCheckBox *signaturesCheck() const { return m_signatures; }
    QLabel *problemsLabel() const { return m_problems; }
    QLabel *webhooksLabel() const { return m_webhooks; }
    QPushButton *saveButton() const;

public Q_SLOTS:
    void accept() override;

private:
    void updateCarrierFields();
    void validateFields();

    QLineEdit *m_listen = nullptr;
    QLineEdit *m_publicUrl = nullptr;
    QComboBox *m_carrier = nullptr;
    QLineEdit *m_twilioSid = nullptr;
    QLineEdit *m_twilioToken = nullptr;
    QLineEdit *m_twilioApi = nullptr;
    QCheckBox *m_signatures = nullptr;
    QSpinBox *m_debuggerRetention = nullptr;
    QSpinBox *m_sessionRetention = nullptr;
    QComboBox *m_language = nullptr;
    QPushButton *m_revealToken = nullptr;
    QLabel *m_problems = nullptr;
    QLabel *m_webhooks = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
};

// Shown at start-up instead of exiting when the saved settings keep the engine from starting: what is wrong, in
// words, and the way out (fix the settings, or start this once with the built-in simulator).
class StartupProblemDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StartupProblemDialog)

public:
    enum Choice
    {
        FixSettings,
        StartWithSimulator,
        Quit,
    };

    StartupProblemDialog(const QString &error, const QList<SettingsProblem> &problems, QWidget *parent = nullptr);
    Choice choice() const { return m_choice; }
    QPushButton *fixButton() const { return m_fix; }
    QPushButton *simulatorButton() const { return m_simulator; }
    QLabel *messageLabel() const { return m_message; }

private:
    Choice m_choice = Quit;
    QLabel *m_message = nullptr;
    QPushButton *m_fix = nullptr;
    QPushButton *m_simulator = nullptr;
};

// Makes `edit` a secret field (masked) and returns a checkable "Show" button beside it that reveals it while checked.
QPushButton *makeRevealButton(QLineEdit *edit, QWidget *parent);

// The account SID and auth token a Twilio helper library needs, each with a copy button.
class CredentialsDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CredentialsDialog)

public:
    CredentialsDialog(const Account &account, const QString &listenUrl, QWidget *parent = nullptr);
};

} // namespace Maskline
