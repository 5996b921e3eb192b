#pragma once

#include <QWidget>

#include "consolecontext.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSettings;
class QTableView;

namespace Maskline {

class MessageBanner;
class NumberModel;
class ServiceCombo;
class SimulatorTrafficModel;
struct SimulatedTraffic;

// Simulator: send an SMS or place a call "from a handset" to a proxy number, and watch what Maskline routes — the way
// to try Maskline without a carrier. Built against SimulatorBackend (models/simulator.h).
class SimulatorPane final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SimulatorPane)

public:
    explicit SimulatorPane(const ConsoleContext &context, QWidget *parent = nullptr);

    QLineEdit *fromEdit() const { return m_from; }
    QComboBox *toCombo() const { return m_to; }
    QLineEdit *bodyEdit() const { return m_body; }
    QLineEdit *mediaEdit() const { return m_media; }
    QPushButton *sendButton() const { return m_send; }
    QPushButton *callButton() const { return m_call; }
    MessageBanner *banner() const { return m_banner; }
    SimulatorTrafficModel *traffic() const { return m_traffic; }
    QTableView *view() const { return m_view; }

    void saveState(QSettings &settings) const;
    void restoreState(QSettings &settings);

public Q_SLOTS:
    void sendSms();
    void placeCall();

private:
    void handleResult(const SimulatedTraffic &attempt, const QString &outcome, bool failed);
    void updateAvailability();

    ConsoleContext m_ctx;
    NumberModel *m_numbers = nullptr;
    SimulatorTrafficModel *m_traffic = nullptr;
    ServiceCombo *m_service = nullptr;
    QLineEdit *m_from = nullptr;
    QComboBox *m_to = nullptr;
    QLineEdit *m_body = nullptr;
    QLineEdit *m_media = nullptr;
    QPushButton *m_send = nullptr;
    QPushButton *m_call = nullptr;
    QLabel *m_availability = nullptr;
    MessageBanner *m_banner = nullptr;
    QTableView *m_view = nullptr;
};

} // namespace Maskline
